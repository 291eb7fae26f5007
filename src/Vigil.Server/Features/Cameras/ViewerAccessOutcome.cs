namespace Vigil.Server.Features.Cameras;

internal enum ViewerAccessOutcome
{
    Issued,
    NotFound,
    NotLive,
    NotProvisioned,
    AccountInactive,
}
