using System.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace Vigil.Server.Features.Vision;

/// <summary>
/// YOLOX-Nano on ONNX Runtime (CPU). The model is loaded once, on first use or at start-up; when
/// it cannot be, one clear error is logged, <see cref="State"/> is <see cref="DetectorState.Unavailable"/>
/// and every detection answers "unavailable" (events are still stored). Thread-safe.
/// </summary>
internal sealed partial class ObjectDetector(
    IOptions<VisionOptions> options,
    DetectorModelLocator locator,
    ILogger<ObjectDetector> logger,
    VisionMetrics? metrics = null) : IDisposable
{
    private const string InputName = "images";
    private static readonly SKColor Padding = new(114, 114, 114);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private InferenceSession? _session;
    private string? _problem;

    public DetectorState State { get; private set; } = DetectorState.NotLoaded;

    /// <summary>Why detection is unavailable, when it is.</summary>
    public string? Problem => _problem;

    public float MinConfidence => (float)options.Value.MinConfidence;

    public async Task<bool> EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (State != DetectorState.NotLoaded)
        {
            return State == DetectorState.Available;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (State != DetectorState.NotLoaded)
            {
                return State == DetectorState.Available;
            }

            try
            {
                var path = await locator.LocateAsync(cancellationToken);
                _session = Load(path);
                State = DetectorState.Available;
                metrics?.StateChanged(State);
                Log.Loaded(logger, path);
            }
            catch (ModelUnavailableException e)
            {
                _problem = e.Message;
                State = DetectorState.Unavailable;
                metrics?.StateChanged(State);
                Log.Unavailable(logger, e.Message);
            }

            return State == DetectorState.Available;
        }
        finally
        {
            _loading.Release();
        }
    }

    private InferenceSession Load(string path)
    {
        var sessionOptions = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.Value.InferenceThreads,
        };
        // Worker threads that spin while waiting burn the CPU the SMTP sessions and the database
        // need on a small home server; a few microseconds of wake-up latency is the better trade.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try
        {
            var session = new InferenceSession(path, sessionOptions);
            var input = session.InputMetadata.TryGetValue(InputName, out var metadata) ? metadata.Dimensions : null;
            if (input is not [1, 3, YoloxPostprocessor.InputSize, YoloxPostprocessor.InputSize] || session.OutputMetadata.Count != 1)
            {
                session.Dispose();
                throw new ModelUnavailableException($"{path} is not a YOLOX model with a 1x3x416x416 input named '{InputName}'");
            }

            return session;
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelUnavailableException($"cannot load the model {path}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
        finally
        {
            sessionOptions.Dispose();
        }
    }

    /// <summary>Decodes an encoded picture (already accepted by <see cref="ImageProbe"/>) and detects objects in it.</summary>
    public DetectionOutcome Detect(ReadOnlySpan<byte> encoded, float? minConfidence = null)
    {
        if (_session is not { } session)
        {
            return DetectionOutcome.Unavailable(_problem ?? "the detection model is not loaded yet");
        }

        var clock = Stopwatch.StartNew();
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return new DetectionOutcome(true, [], "the picture cannot be decoded", clock.Elapsed);
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var scale = Math.Min((float)YoloxPostprocessor.InputSize / width, (float)YoloxPostprocessor.InputSize / height);
        using var source = DecodeAtLeast(codec, (int)Math.Ceiling(width * scale), (int)Math.Ceiling(height * scale));
        if (source is null)
        {
            return new DetectionOutcome(true, [], "the picture cannot be decoded", clock.Elapsed);
        }

        var input = Letterbox(source, (int)(width * scale), (int)(height * scale));
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, YoloxPostprocessor.InputSize, YoloxPostprocessor.InputSize]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [InputName], [tensor], session.OutputNames);
        var detections = YoloxPostprocessor.Decode(outputs[0].GetTensorDataAsSpan<float>(), scale, width, height, minConfidence ?? MinConfidence);
        metrics?.Detected(clock.Elapsed);
        return new DetectionOutcome(true, detections, null, clock.Elapsed);
    }

    /// <summary>
    /// Decodes at the smallest size the codec supports that is still at least the letterbox size
    /// (JPEG decodes at 1/2, 1/4, 1/8 scale for a fraction of the cost); null when the data is broken.
    /// </summary>
    internal static SKBitmap? DecodeAtLeast(SKCodec codec, int minWidth, int minHeight)
    {
        var size = codec.Info.Size;
        foreach (var factor in new[] { 0.125f, 0.25f, 0.5f })
        {
            var scaled = codec.GetScaledDimensions(factor);
            if (scaled.Width >= minWidth && scaled.Height >= minHeight && scaled.Width < size.Width)
            {
                size = scaled;
                break;
            }
        }

        var bitmap = new SKBitmap(new SKImageInfo(size.Width, size.Height, SKColorType.Bgra8888, SKAlphaType.Premul));
        var result = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (result is SKCodecResult.Success or SKCodecResult.IncompleteInput)
        {
            return bitmap;
        }

        bitmap.Dispose();
        return null;
    }

    /// <summary>YOLOX's input: the picture scaled (bilinear) to fit 416x416 at the top-left, the rest 114; BGR planes of 0–255 floats.</summary>
    internal static float[] Letterbox(SKBitmap source, int scaledWidth, int scaledHeight)
    {
        const int size = YoloxPostprocessor.InputSize;
        using var canvasBitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Bgra8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(canvasBitmap))
        using (var image = SKImage.FromBitmap(source))
        {
            canvas.Clear(Padding);
            canvas.DrawImage(image, new SKRect(0, 0, Math.Max(1, scaledWidth), Math.Max(1, scaledHeight)), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        }

        var pixels = canvasBitmap.GetPixelSpan();
        var input = new float[3 * size * size];
        var plane = size * size;
        for (var i = 0; i < plane; i++)
        {
            input[i] = pixels[4 * i];                 // B
            input[plane + i] = pixels[(4 * i) + 1];   // G
            input[(2 * plane) + i] = pixels[(4 * i) + 2]; // R
        }

        return input;
    }

    public void Dispose()
    {
        _session?.Dispose();
        _loading.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7202, Level = LogLevel.Information, Message = "Object detection ready (model {Path})")]
        public static partial void Loaded(ILogger logger, string path);

        [LoggerMessage(EventId = 7203, Level = LogLevel.Error, Message = "Object detection is unavailable: {Problem}. Events are stored without detections until this is fixed and Vigil restarted.")]
        public static partial void Unavailable(ILogger logger, string problem);
    }
}
