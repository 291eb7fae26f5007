namespace Vigil.TestSupport;

/// <summary>
/// How test.sh schedules a test. Every test assembly runs in parallel with the others on a
/// 2-core machine; a test that measures real-time behaviour (frame pacing as a browser sees it,
/// time to a first frame, a browser journey with real-time waits) carries
/// <c>[Trait(TestSchedule.Trait, TestSchedule.Alone)]</c> (a whole assembly:
/// <c>[assembly: Trait(...)]</c>) and runs after them, with only the other such tests beside it.
/// </summary>
public static class TestSchedule
{
    /// <summary>The trait name.</summary>
    public const string Trait = "Schedule";

    /// <summary>Run with no other test assembly running.</summary>
    public const string Alone = "Alone";
}
