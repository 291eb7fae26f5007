using Vigil.WebRtc.H264;

namespace Vigil.WebRtc.Tests.H264;

public sealed class AnnexBTests
{
    [Fact]
    public void Three_and_four_byte_start_codes_split_and_trailing_zeros_are_removed()
    {
        byte[] stream = [0xFF, 0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 1, 0x68, 3, 0, 0, 1, 0x65, 4, 5, 0, 0];

        var nals = AnnexB.Split(stream);

        Assert.Equal(3, nals.Count);
        Assert.Equal([0x67, 1, 2], nals[0].ToArray());
        Assert.Equal([0x68, 3], nals[1].ToArray());
        Assert.Equal([0x65, 4, 5], nals[2].ToArray());
    }

    [Fact]
    public void Emulation_prevention_bytes_are_left_in_place()
    {
        byte[] stream = [0, 0, 1, 0x65, 0, 0, 3, 1, 7];
        Assert.Equal([0x65, 0, 0, 3, 1, 7], Assert.Single(AnnexB.Split(stream)).ToArray());
    }

    [Fact]
    public void No_start_code_means_no_nal_units()
    {
        Assert.Empty(AnnexB.Split(new byte[] { 1, 2, 3, 0, 0 }));
        Assert.Empty(AnnexB.Split(Array.Empty<byte>()));
    }

    [Fact]
    public void Random_input_never_throws()
    {
        var random = new FuzzRandom(6184);
        for (var i = 0; i < 3000; i++)
        {
            var input = random.Bytes(random.Next(0, 200));
            for (var k = 0; k < input.Length; k++)
            {
                if (random.Next(3) == 0)
                {
                    input[k] = (byte)random.Next(3); // many zeros and ones make start codes likely
                }
            }

            foreach (var nal in AnnexB.Split(input))
            {
                _ = H264SequenceParameterSet.TryParse(nal.Span, out _);
            }

            var assembler = new H264AccessUnitAssembler();
            foreach (var nal in AnnexB.Split(input))
            {
                _ = assembler.Push(nal.Span);
            }

            _ = assembler.Flush();
        }
    }
}
