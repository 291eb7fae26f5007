using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Vigil.SigV4.Bench.VerificationBenchmarks).Assembly).Run(args);
