namespace Vigil.Server.Hosting;

internal sealed record HealthStatus(string Status);
