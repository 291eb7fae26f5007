namespace Vigil.TestSupport;

/// <summary>
/// How test.sh schedules a test. Every test assembly runs in parallel with the others on a
/// 2-core machine; a test that measures real-time behaviour (frame pacing as a browser sees it)
/// carries <c>[Trait(TestSchedule.Trait, TestSchedule.Alone)]</c> and runs after them, alone.
/// </summary>
public static class TestSchedule
{
    /// <summary>The trait name.</summary>
    public const string Trait = "Schedule";

    /// <summary>Run with no other test assembly running.</summary>
    public const string Alone = "Alone";
}
