using SharpFuzz;
using Vigil.Fuzz;

// Usage (scripts/fuzz.sh does this):
//   Vigil.Fuzz.Runner NAME              run harness NAME under afl-fuzz (SharpFuzz's fork-server loop)
//   Vigil.Fuzz.Runner --list            the target names
//   Vigil.Fuzz.Runner --assemblies NAME the assemblies to instrument for NAME, one a line
//   Vigil.Fuzz.Runner --replay NAME FILE...   run files through the harness once (reproduce a finding)
if (args is ["--list"])
{
    foreach (var name in FuzzTargets.Names)
    {
        Console.WriteLine(name);
    }

    return 0;
}

if (args is ["--assemblies", var named] && FuzzTargets.Find(named) is { } listed)
{
    foreach (var assembly in listed.InstrumentedAssemblies)
    {
        Console.WriteLine(assembly);
    }

    return 0;
}

if (args is ["--replay", var replayed, .. var files] && FuzzTargets.Find(replayed) is { } replay)
{
    foreach (var file in files)
    {
        replay.Run(File.ReadAllBytes(file));
        Console.WriteLine($"{file}: passed");
    }

    return 0;
}

if (args is [var targetName] && FuzzTargets.Find(targetName) is { } target)
{
    // afl-fuzz hands each input as a stream; the harness takes the bytes.
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    });
    return 0;
}

Console.Error.WriteLine($"usage: Vigil.Fuzz.Runner NAME | --list | --assemblies NAME | --replay NAME FILE...  (NAME: {string.Join(", ", FuzzTargets.Names)})");
return 2;
