using Vigil.TestSupport;

// Every test here drives Chromium through a whole user journey against a real server, with
// real-time waits (video, token renewal). Run with the other test assemblies on 2 cores, a
// journey was starved past its waits in CI; test.sh runs these in its second phase, without the
// server's test assembly beside them.
[assembly: Trait(TestSchedule.Trait, TestSchedule.Alone)]
