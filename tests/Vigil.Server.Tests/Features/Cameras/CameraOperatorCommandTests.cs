using System.Text.Json;
using System.Xml.Linq;
using Vigil.Server.Features.Cameras;
using Vigil.Server.Features.Devices;
using Vigil.Server.Tests.Support;

namespace Vigil.Server.Tests.Features.Cameras;

/// <summary>
/// What the operator does with cameras from the command line: labels at manufacturing time
/// (read back with ZBar, a QR decoder we did not write), listing every camera, and unbinding one
/// for resale or support.
/// </summary>
public sealed class CameraOperatorCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Labels_show_serial_and_secret_and_their_qr_codes_read_back_as_the_bind_url()
    {
        using var data = new TempDirectory("cli");
        var file = Path.Combine(data.Path, "devices.csv");
        await File.WriteAllTextAsync(file, "serial,secret,model\nCAM-0001,s3cret-0001,Vigil Cam\nCAM-0002,\"a&b=c+d/e <x>\",\"Vigil Cam \"\"Pro\"\"\"\n", Ct);
        var output = Path.Combine(data.Path, "labels");

        var result = await VigilExecutable.RunAsync(data.Path, ["registry", "labels", file, "--out", output, "--base-url", "https://cams.example.com:8443/"], cancellationToken: Ct);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("Wrote 2 label(s)", result.StandardOutput, StringComparison.Ordinal);
        var zbar = Requirements.Executable("zbarimg");
        var rsvg = Requirements.Executable("rsvg-convert");
        foreach (var (serial, secret) in new[] { ("CAM-0001", "s3cret-0001"), ("CAM-0002", "a&b=c+d/e <x>") })
        {
            var expected = $"https://cams.example.com:8443/cameras/add?serial={Uri.EscapeDataString(serial)}&secret={Uri.EscapeDataString(secret)}";
            var png = Path.Combine(output, serial + ".png");
            var svg = Path.Combine(output, serial + ".svg");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(png));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(svg));

            var fromPng = await ProcessRunner.RunAsync(zbar, ["--raw", "-q", png], cancellationToken: Ct);
            Assert.True(fromPng.ExitCode == 0, fromPng.StandardError);
            Assert.Equal(expected, fromPng.StandardOutput.Trim());

            var document = XDocument.Load(svg);
            var texts = document.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
            Assert.Contains(serial, texts);
            Assert.Contains(secret, texts);
            var rendered = Path.Combine(data.Path, serial + "-svg.png");
            var render = await ProcessRunner.RunAsync(rsvg, ["--output", rendered, svg], cancellationToken: Ct);
            Assert.True(render.ExitCode == 0, render.StandardError);
            var fromSvg = await ProcessRunner.RunAsync(zbar, ["--raw", "-q", rendered], cancellationToken: Ct);
            Assert.Equal(expected, fromSvg.StandardOutput.Trim());
        }
    }

    [Fact]
    public async Task A_bad_import_file_writes_no_label_and_names_the_row()
    {
        using var data = new TempDirectory("cli");
        var file = Path.Combine(data.Path, "devices.csv");
        await File.WriteAllTextAsync(file, "serial,secret,model\nCAM-0001,s3cret-0001,Vigil Cam\nCAM 2,short,Vigil Cam\n", Ct);
        var output = Path.Combine(data.Path, "labels");

        var result = await VigilExecutable.RunAsync(data.Path, ["registry", "labels", file, "--out", output], cancellationToken: Ct);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no label was written", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("line 3", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
        var badUrl = await VigilExecutable.RunAsync(data.Path, ["registry", "labels", file.Replace("devices", "none", StringComparison.Ordinal), "--out", output, "--base-url", "ftp://x"], cancellationToken: Ct);
        Assert.Equal(1, badUrl.ExitCode);
    }

    [Fact]
    public async Task The_operator_lists_every_camera_and_the_unbound_serials_and_unbinds_one()
    {
        await using var vigil = await TestVigil.StartAsync("Sqlite", cancellationToken: Ct);
        var ann = await SnapshotTestData.AccountAsync(vigil.Services, "ann@example.com", Ct);
        await using (var scope = vigil.Services.CreateAsyncScope())
        {
            var rows = new[] { "CAM-1", "CAM-2" }.Select((s, i) => new RegistryRow(i + 2, s, "secret-" + s, "Test camera")).ToList();
            await scope.ServiceProvider.GetRequiredService<RegistryImporter>().ImportAsync(rows, "test.csv", dryRun: false, Ct);
            var bound = await scope.ServiceProvider.GetRequiredService<CameraBinder>().BindCameraAsync(ann, "CAM-1", "secret-CAM-1", "Porch", "192.0.2.7", Ct);
            Assert.Equal(BindOutcome.Bound, bound.Outcome);
        }

        await SnapshotTestData.AddCameraAsync(vigil.Services, "ann@example.com", "Garden", Ct);

        var listed = await VigilExecutable.RunAsync(vigil.Data.Root, ["cameras", "list", "--all", "--json"], cancellationToken: Ct);
        Assert.True(listed.ExitCode == 0, listed.StandardError);
        var cameras = JsonDocument.Parse(listed.StandardOutput).RootElement.EnumerateArray().ToList();
        Assert.Equal(["Garden", "Porch", null], cameras.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["snapshot", "live", "live"], cameras.Select(c => c.GetProperty("kind").GetString()));
        Assert.Equal([null, "CAM-1", "CAM-2"], cameras.Select(c => c.GetProperty("serialNumber").GetString()));
        Assert.Equal(["ann@example.com", "ann@example.com", null], cameras.Select(c => c.GetProperty("owner").GetString()));
        Assert.DoesNotContain("secret-CAM", listed.StandardOutput, StringComparison.Ordinal);
        var table = await VigilExecutable.RunAsync(vigil.Data.Root, ["cameras", "list"], cancellationToken: Ct);
        Assert.Contains("Porch", table.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("CAM-2", table.StandardOutput, StringComparison.Ordinal);

        var unbound = await VigilExecutable.RunAsync(vigil.Data.Root, ["cameras", "unbind", "CAM-1"], cancellationToken: Ct);
        Assert.True(unbound.ExitCode == 0, unbound.StandardError);
        Assert.Equal("Unbound CAM-1 ('Porch') from ann@example.com.", unbound.StandardOutput.Trim());
        var again = await VigilExecutable.RunAsync(vigil.Data.Root, ["cameras", "unbind", "CAM-1"], cancellationToken: Ct);
        Assert.Equal(1, again.ExitCode);
        Assert.Equal("vigil: no one has bound a camera with serial CAM-1", again.StandardError.Trim());
        var after = await VigilExecutable.RunAsync(vigil.Data.Root, ["cameras", "list", "--json"], cancellationToken: Ct);
        Assert.Equal(["Garden"], JsonDocument.Parse(after.StandardOutput).RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }
}
