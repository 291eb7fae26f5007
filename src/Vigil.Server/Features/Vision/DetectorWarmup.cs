namespace Vigil.Server.Features.Vision;

/// <summary>Loads (or downloads) the model when the server starts, in the background, so the first picture does not wait for it.</summary>
internal sealed class DetectorWarmup(ObjectDetector detector) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => detector.EnsureLoadedAsync(stoppingToken);
}
