using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigil.Server.Features.Vision;
using Vigil.Server.Hosting;
using Vigil.TestSupport;

namespace Vigil.Server.Tests.Features.Vision;

/// <summary>YOLOX-Nano on ONNX Runtime against Debian's darknet sample pictures (what a person sees in them).</summary>
public sealed class ObjectDetectorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("dog.jpg", new[] { "Dog", "Bicycle" }, "Car|Truck")]
    [InlineData("person.jpg", new[] { "Person", "Dog", "Horse" }, null)]
    [InlineData("eagle.jpg", new[] { "Bird" }, null)]
    [InlineData("giraffe.jpg", new[] { "Giraffe", "Zebra" }, null)]
    public async Task Detection_on_the_darknet_pictures_finds_the_expected_objects(string picture, string[] expected, string? oneOf)
    {
        using var detector = Detector(SnapshotAssets.RequireModel(), out _);
        Assert.True(await detector.EnsureLoadedAsync(Ct));

        var outcome = detector.Detect(await File.ReadAllBytesAsync(SnapshotAssets.Picture(picture), Ct));

        Assert.True(outcome.Available);
        var labels = outcome.Detections.Select(d => d.Label).ToHashSet();
        foreach (var label in expected)
        {
            Assert.Contains(label, labels);
        }

        if (oneOf is not null)
        {
            // dog.jpg's vehicle: YOLOX-Nano calls it a car or a truck depending on the threshold.
            Assert.Contains(labels, l => oneOf.Split('|').Contains(l));
        }

        Assert.All(outcome.Detections, d =>
        {
            Assert.InRange(d.Confidence, 0.3f, 1f);
            Assert.True(d.Width > 0 && d.Height > 0);
        });
    }

    [Fact]
    public async Task Boxes_are_in_the_pictures_pixels_and_the_person_is_confident()
    {
        using var detector = Detector(SnapshotAssets.RequireModel(), out _);
        await detector.EnsureLoadedAsync(Ct);
        var bytes = await File.ReadAllBytesAsync(SnapshotAssets.Picture("person.jpg"), Ct);
        Assert.True(ImageProbe.TryProbe(bytes, 40_000_000, out var info, out _));

        var person = detector.Detect(bytes).Detections.Single(d => d.Label == "Person");

        Assert.True(person.Confidence >= 0.5f);
        Assert.InRange(person.X, 0, info.Width);
        Assert.InRange(person.X + person.Width, 0, info.Width);
        Assert.InRange(person.Y + person.Height, 0, info.Height);
        Assert.True(person.Height > info.Height / 3f, "the person stands across most of the picture");
    }

    [Fact]
    public async Task A_missing_model_makes_detection_unavailable_with_one_clear_reason()
    {
        using var directory = new TempDirectory();
        using var detector = Detector(directory.File("nothing.onnx"), out _);

        Assert.False(await detector.EnsureLoadedAsync(Ct));

        Assert.Equal(DetectorState.Unavailable, detector.State);
        Assert.Contains("Vision:ModelPath", detector.Problem, StringComparison.Ordinal);
        var outcome = detector.Detect(await File.ReadAllBytesAsync(SnapshotAssets.Picture("dog.jpg"), Ct));
        Assert.False(outcome.Available);
        Assert.Empty(outcome.Detections);
    }

    [Fact]
    public async Task A_file_that_is_not_a_model_makes_detection_unavailable_instead_of_crashing()
    {
        using var directory = new TempDirectory();
        var path = directory.File("broken.onnx");
        await File.WriteAllBytesAsync(path, new byte[1000], Ct);
        using var detector = Detector(path, out _);

        Assert.False(await detector.EnsureLoadedAsync(Ct));

        Assert.Contains("cannot load the model", detector.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_model_with_the_wrong_sha256_is_refused()
    {
        using var detector = Detector(SnapshotAssets.RequireModel(), out _, sha256: new string('0', 64));

        Assert.False(await detector.EnsureLoadedAsync(Ct));

        Assert.Contains("SHA-256", detector.Problem, StringComparison.Ordinal);
    }

    private static ObjectDetector Detector(string modelPath, out TempDirectory data, string? sha256 = null)
    {
        data = new TempDirectory();
        var options = Options.Create(new VisionOptions { ModelPath = modelPath, ModelUrl = "", ModelSha256 = sha256 });
        var locator = new DetectorModelLocator(options, new DataDirectory(data.Path), new NoHttp(), NullLogger<DetectorModelLocator>.Instance);
        return new ObjectDetector(options, locator, NullLogger<ObjectDetector>.Instance);
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no downloads in this test");
    }
}
