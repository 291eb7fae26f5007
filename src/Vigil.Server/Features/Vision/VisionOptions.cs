using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Features.Vision;

/// <summary>Section <c>Vision</c>: the object detector (YOLOX-Nano on ONNX Runtime) and the DeepStack-compatible API.</summary>
internal sealed class VisionOptions : IValidatableObject
{
    public const string Section = "Vision";
    public const string DefaultModelUrl = "https://github.com/Megvii-BaseDetection/YOLOX/releases/download/0.1.1rc0/yolox_nano.onnx";

    /// <summary>The ONNX model file. Default: <c>&lt;data&gt;/models/yolox_nano.onnx</c>, downloaded from <see cref="ModelUrl"/> when missing.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Where to download the model when no file is there; empty disables the download.</summary>
    public string? ModelUrl { get; set; } = DefaultModelUrl;

    /// <summary>Expected SHA-256 (hex) of the model file; checked after a download and at load when given.</summary>
    public string? ModelSha256 { get; set; }

    /// <summary>Detections below this score are dropped.</summary>
    [Range(0.01, 1.0, ErrorMessage = "must be from 0.01 to 1")]
    public double MinConfidence { get; set; } = 0.3;

    /// <summary>Pictures larger than this many pixels are refused before decoding (decompression bombs).</summary>
    [Range(1, 1_000_000_000, ErrorMessage = "must be from 1 to 1000000000")]
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>Threads ONNX Runtime may use for one inference; 0 = one per core.</summary>
    [Range(0, 256, ErrorMessage = "must be from 0 to 256")]
    public int InferenceThreads { get; set; }

    /// <summary>API key required by <c>POST /v1/vision/detection</c> (form field <c>api_key</c> or <c>Authorization: Bearer</c>).</summary>
    public string? DetectionApiKey { get; set; }

    /// <summary>
    /// Whether loopback clients may call <c>/v1/vision/detection</c> without the key (e.g. Blue Iris on
    /// the same machine). A request carrying <c>Forwarded</c>, <c>X-Forwarded-For</c> or <c>X-Real-IP</c> is
    /// never trusted this way; behind a reverse proxy on this machine that adds none of them, set it false.
    /// </summary>
    public bool DetectionApiAllowLoopback { get; set; } = true;

    /// <summary>Detection API requests served at once; the next gets 503 with <c>Retry-After</c>.</summary>
    [Range(1, 256, ErrorMessage = "must be from 1 to 256")]
    public int DetectionApiConcurrency { get; set; } = 2;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ModelUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
        {
            yield return new ValidationResult($"'{url}' is not an http(s) URL", [nameof(ModelUrl)]);
        }

        if (ModelSha256 is { Length: > 0 } hash && (hash.Length != 64 || !hash.All(Uri.IsHexDigit)))
        {
            yield return new ValidationResult("must be 64 hexadecimal digits", [nameof(ModelSha256)]);
        }

        if (DetectionApiKey is { } key && key.Length < 16)
        {
            yield return new ValidationResult("must be at least 16 characters", [nameof(DetectionApiKey)]);
        }
    }
}
