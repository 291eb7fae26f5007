using Vigil.Server.Features.Pki;

namespace Vigil.Server.Features.Devices;

/// <summary>A thing with the status of its certificate, as <c>vigil things list</c> shows it.</summary>
internal sealed record ThingView(Thing Thing, CertificateStatus? CertificateStatus);
