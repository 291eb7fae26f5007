using Vigil.Agent.Bench;

// Usage (root: network namespaces; Debian chromium, ffmpeg, the GStreamer RTSP server; ./test.sh installs them):
//   dotnet run -c Release --project bench/Vigil.Agent.Bench -- first-frame --source testsrc|rtsp [--joins 30]
//   dotnet run -c Release --project bench/Vigil.Agent.Bench -- resources [--seconds 30] [--warmup 20]
//   dotnet run -c Release --project bench/Vigil.Agent.Bench -- churn [--joins 1000]
//   dotnet run -c Release --project bench/Vigil.Agent.Bench -- web-first-frame [--clicks 20]   (needs the web client built: scripts/build-web.sh)
//   ... web-first-frame --demo https://localhost:8443/ --user demo@vigil.local --password TEMPORARY --serial DEMO-CAM-0001 --secret SECRET
//       (against a running ./demo.sh, with what it printed)
// Results are printed as Markdown for docs/benchmarks.md.
string Option(string name, string fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

int Number(string name, int fallback) => int.Parse(Option(name, fallback.ToString(System.Globalization.CultureInfo.InvariantCulture)), System.Globalization.CultureInfo.InvariantCulture);

Console.WriteLine(Machine.Describe());
switch (args.FirstOrDefault())
{
    case "first-frame":
        await FirstFrameBenchmark.RunAsync(Option("--source", "testsrc"), Number("--joins", 30));
        return 0;
    case "resources":
        await ResourcesBenchmark.RunAsync(Number("--seconds", 30), Number("--warmup", 20));
        return 0;
    case "web-first-frame":
        await WebFirstFrameBenchmark.RunAsync(Number("--clicks", 20), Option("--demo", "") is { Length: > 0 } demo
            ? new DemoLogin(new Uri(demo), Option("--user", "demo@vigil.local"), Option("--password", ""), Option("--serial", "DEMO-CAM-0001"), Option("--secret", ""))
            : null);
        return 0;
    case "churn":
        await ChurnBenchmark.RunAsync(Number("--joins", 1000));
        return 0;
    default:
        Console.Error.WriteLine("usage: first-frame --source testsrc|rtsp [--joins N] | resources [--seconds N] [--warmup N] | churn [--joins N] | web-first-frame [--clicks N]");
        return 2;
}
