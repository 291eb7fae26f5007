using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using Vigil.TestSupport;
using Vigil.WebRtc.Rtp;
using Vigil.WebRtc.Srtp;

namespace Vigil.WebRtc.Bench;

/// SRTP protect (AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM) on one thread, ours and libsrtp 2
/// (Debian's build, which uses NSS for AES, via P/Invoke) alternating in the same process: packets per second per core, median of the runs. Every
/// iteration writes the next sequence number into the header, as a sender does, then protects
/// in place.
internal static class SrtpThroughputBenchmark
{
    public static void Run(int runs, int packets)
    {
        var key = RandomNumberGenerator.GetBytes(16);
        Console.WriteLine($"SRTP protect, {runs} runs x {packets} packets each, single thread");
        Console.WriteLine("| profile | packet (bytes) | Vigil.WebRtc (packets/s) | libsrtp 2.5 (packets/s) | Vigil / libsrtp | Vigil (MB/s payload) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (profile, size) in new[]
        {
            (SrtpProfile.Aes128CmHmacSha1Tag80, 1200), (SrtpProfile.AeadAes128Gcm, 1200),
            (SrtpProfile.Aes128CmHmacSha1Tag80, 200), (SrtpProfile.AeadAes128Gcm, 200),
        })
        {
            var gcm = profile == SrtpProfile.AeadAes128Gcm;
            var salt = RandomNumberGenerator.GetBytes(gcm ? 12 : 14);
            using var ours = new SrtpContext(profile, key, salt);
            using var theirs = gcm ? LibSrtp.CreateAesGcm128(key, salt, inbound: false) : LibSrtp.Create(key, salt, inbound: false);
            var buffer = new byte[size + 16];
            RtpHeader.Write(buffer, false, 108, 0, 1234, 0xCAFE);
            RandomNumberGenerator.Fill(buffer.AsSpan(12, size - 12));
            ulong oursIndex = 0;
            ushort theirsSequence = 0;

            double Ours(int count)
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < count; i++)
                {
                    var index = oursIndex++;
                    BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)index);
                    ours.ProtectRtp(buffer, size, index);
                }

                return count / clock.Elapsed.TotalSeconds;
            }

            double Theirs(int count)
            {
                var clock = Stopwatch.StartNew();
                for (var i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), theirsSequence++);
                    theirs.ProtectRtp(buffer, size);
                }

                return count / clock.Elapsed.TotalSeconds;
            }

            Ours(packets / 4); // warm-up: JIT tiers, OpenSSL and libsrtp caches
            Theirs(packets / 4);
            var oursRates = new List<double>();
            var theirRates = new List<double>();
            for (var run = 0; run < runs; run++)
            {
                oursRates.Add(Ours(packets));
                theirRates.Add(Theirs(packets));
            }

            var oursMedian = MachineInfo.Median(oursRates);
            var theirsMedian = MachineInfo.Median(theirRates);
            var name = gcm ? "AEAD_AES_128_GCM" : "AES_CM_128_HMAC_SHA1_80";
            Console.WriteLine($"| {name} | {size} | {oursMedian:N0} | {theirsMedian:N0} | {oursMedian / theirsMedian:P0} | {oursMedian * (size - 12) / 1e6:N0} |");
            Console.WriteLine($"<!-- {name} {size}: runs ours: {string.Join(", ", oursRates.Select(r => r.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}; libsrtp: {string.Join(", ", theirRates.Select(r => r.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} -->");
        }
    }
}
