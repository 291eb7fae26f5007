using System.Diagnostics.Metrics;

namespace Vigil.Server.Features.Vision;

/// <summary>Meter <c>Vigil.Vision</c>: how long a detection takes, and whether the detector is available.</summary>
internal sealed class VisionMetrics
{
    public const string MeterName = "Vigil.Vision";

    private readonly Histogram<double> _duration;
    private volatile DetectorState _state = DetectorState.NotLoaded;

    public VisionMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _duration = meter.CreateHistogram("vigil.detection.duration", "s", "One picture's detection: decode, letterbox, inference, decoding the boxes", advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2.5],
        });
        meter.CreateObservableGauge("vigil.detector.available", () => _state == DetectorState.Available ? 1 : 0, "1", "1 when the object detector is loaded and works, 0 when it is not (yet) or cannot be");
    }

    public void Detected(TimeSpan elapsed) => _duration.Record(elapsed.TotalSeconds);

    public void StateChanged(DetectorState state) => _state = state;
}
