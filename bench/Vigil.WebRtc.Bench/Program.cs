using Vigil.WebRtc.Bench;

// Usage:
//   dotnet run -c Release --project bench/Vigil.WebRtc.Bench -- srtp [--runs 7] [--packets 200000]
//   dotnet run -c Release --project bench/Vigil.WebRtc.Bench -- sender-cpu [--runs 5] [--seconds 30] [--warmup 30] [--chromium [--idle]]
// Results are printed as Markdown table rows for docs/benchmarks.md.
var mode = args.Length > 0 ? args[0] : "srtp";
int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

if (mode == "camera")
{
    // Child process of sender-cpu --chromium: camera <bind address> <clip> <fps>.
    return await CameraProcess.RunChildAsync(System.Net.IPAddress.Parse(args[1]), args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
}

Console.WriteLine(MachineInfo.Describe());
switch (mode)
{
    case "srtp":
        SrtpThroughputBenchmark.Run(Option("--runs", 7), Option("--packets", 200_000));
        return 0;
    case "sender-cpu":
        await SenderCpuBenchmark.RunAsync(Option("--runs", 5), Option("--seconds", 30), Option("--warmup", 30), args.Contains("--chromium"), args.Contains("--idle"));
        return 0;
    default:
        Console.Error.WriteLine("usage: srtp [--runs N] [--packets N] | sender-cpu [--runs N] [--seconds N] [--warmup N] [--chromium [--idle]]");
        return 2;
}
