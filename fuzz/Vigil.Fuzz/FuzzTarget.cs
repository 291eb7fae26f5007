namespace Vigil.Fuzz;

/// <summary>
/// A named harness. <see cref="Name"/> is the folder of its seed corpus (<c>fuzz/corpus/NAME/</c>) and of
/// its regressions (<c>fuzz/regressions/NAME/</c>), and the argument of <c>scripts/fuzz.sh</c>.
/// <see cref="InstrumentedAssemblies"/> are the assemblies whose code the target exercises, which
/// <c>sharpfuzz</c> instruments for a coverage-guided run.
/// </summary>
internal sealed record FuzzTarget(string Name, FuzzHarness Run, IReadOnlyList<string> InstrumentedAssemblies);
