using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;
using Vigil.Shared;

namespace Vigil.Server.Features.Vision;

/// <summary>
/// Finds the model file: <c>Vision:ModelPath</c> when set, else <c>&lt;data&gt;/models/yolox_nano.onnx</c>,
/// else downloads it from <c>Vision:ModelUrl</c> into the data directory (checked against
/// <c>Vision:ModelSha256</c> when given). The project never ships the model.
/// </summary>
internal sealed partial class DetectorModelLocator(
    IOptions<VisionOptions> options,
    DataDirectory data,
    IHttpClientFactory httpClients,
    ILogger<DetectorModelLocator> logger)
{
    public const string FileName = "yolox_nano.onnx";
    public const string HttpClientName = "vision-model";

    public string DefaultPath => data.PathOf("models", FileName);

    public async Task<string> LocateAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value.ModelPath;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var path = Path.GetFullPath(configured, data.Root);
            if (!File.Exists(path))
            {
                throw new ModelUnavailableException($"Vision:ModelPath: {path} does not exist");
            }

            await VerifyAsync(path, cancellationToken);
            return path;
        }

        if (File.Exists(DefaultPath))
        {
            await VerifyAsync(DefaultPath, cancellationToken);
            return DefaultPath;
        }

        if (string.IsNullOrWhiteSpace(options.Value.ModelUrl))
        {
            throw new ModelUnavailableException($"no model: put {FileName} at {DefaultPath} or set Vision:ModelPath (Vision:ModelUrl is empty, so nothing is downloaded)");
        }

        await DownloadAsync(options.Value.ModelUrl, cancellationToken);
        return DefaultPath;
    }

    private async Task DownloadAsync(string url, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DefaultPath)!);
        Log.Downloading(logger, url);
        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            await DurableFile.WriteAsync(
                DefaultPath,
                async (file, ct) =>
                {
                    // Hashed on the way in: the file is renamed into place only when it matches.
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    await using var body = await response.Content.ReadAsStreamAsync(ct);
                    var buffer = new byte[81920];
                    int read;
                    while ((read = await body.ReadAsync(buffer, ct)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    }

                    Check(Convert.ToHexStringLower(hash.GetHashAndReset()), url);
                },
                DurableFile.WorldReadable,
                overwrite: true,
                cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ModelUnavailableException($"cannot download the model from {url} ({e.Message}); put {FileName} at {DefaultPath} or set Vision:ModelPath", e);
        }
    }

    private async Task VerifyAsync(string path, CancellationToken cancellationToken)
    {
        if (options.Value.ModelSha256 is not { Length: > 0 })
        {
            return;
        }

        await using var file = File.OpenRead(path);
        Check(Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken)), path);
    }

    private void Check(string actual, string source)
    {
        if (options.Value.ModelSha256 is { Length: > 0 } expected && !string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelUnavailableException($"{source} has SHA-256 {actual}, not the {expected} of Vision:ModelSha256");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7201, Level = LogLevel.Information, Message = "Downloading the detection model from {Url}")]
        public static partial void Downloading(ILogger logger, string url);
    }
}
