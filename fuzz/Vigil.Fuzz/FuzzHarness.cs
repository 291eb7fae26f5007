namespace Vigil.Fuzz;

/// <summary>
/// One fuzzing target: feeds <paramref name="data"/> to a parser. Returning is a pass (the parser
/// accepted the input or refused it the way it documents); any exception that escapes is a finding.
/// Same shape as SharpFuzz's <c>ReadOnlySpanAction</c> and libFuzzer's <c>LLVMFuzzerTestOneInput</c>.
/// </summary>
internal delegate void FuzzHarness(ReadOnlySpan<byte> data);
