namespace Vigil.WebRtc.H264;

/// The fields of a sequence parameter set (H.264 §7.3.2.1.1) the sender needs: the profile
/// bytes for profile-level-id and the coded picture size (for stats and sanity checks).
internal sealed record H264SequenceParameterSet(byte ProfileIdc, byte ConstraintFlags, byte LevelIdc, int Width, int Height)
{
    public H264ProfileLevelId ProfileLevelId => new(ProfileIdc, ConstraintFlags, LevelIdc);

    /// Parses a SPS NAL unit (header byte included). Returns false on malformed input.
    public static bool TryParse(ReadOnlySpan<byte> nal, out H264SequenceParameterSet sps)
    {
        sps = null!;
        if (nal.Length < 4 || H264NalUnitType.Of(nal) != H264NalUnitType.Sps || nal.Length > 4096)
        {
            return false;
        }

        var rbsp = H264BitReader.ToRbsp(nal[1..]);
        var r = new H264BitReader(rbsp);
        var profileIdc = (byte)r.ReadBits(8);
        var constraints = (byte)r.ReadBits(8);
        var levelIdc = (byte)r.ReadBits(8);
        r.ReadUnsignedExpGolomb(); // seq_parameter_set_id
        uint chromaFormatIdc = 1;
        if (profileIdc is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135)
        {
            chromaFormatIdc = r.ReadUnsignedExpGolomb();
            if (chromaFormatIdc == 3)
            {
                r.ReadBit(); // separate_colour_plane_flag
            }

            r.ReadUnsignedExpGolomb(); // bit_depth_luma_minus8
            r.ReadUnsignedExpGolomb(); // bit_depth_chroma_minus8
            r.ReadBit(); // qpprime_y_zero_transform_bypass_flag
            if (r.ReadBit() == 1)
            {
                // seq_scaling_matrix_present_flag: skip the scaling lists (§7.3.2.1.1.1).
                var lists = chromaFormatIdc != 3 ? 8 : 12;
                for (var i = 0; i < lists && !r.Overrun; i++)
                {
                    if (r.ReadBit() == 1)
                    {
                        SkipScalingList(ref r, i < 6 ? 16 : 64);
                    }
                }
            }
        }

        r.ReadUnsignedExpGolomb(); // log2_max_frame_num_minus4
        var pocType = r.ReadUnsignedExpGolomb();
        if (pocType == 0)
        {
            r.ReadUnsignedExpGolomb(); // log2_max_pic_order_cnt_lsb_minus4
        }
        else if (pocType == 1)
        {
            r.ReadBit();
            r.ReadSignedExpGolomb();
            r.ReadSignedExpGolomb();
            var cycle = r.ReadUnsignedExpGolomb();
            for (var i = 0; i < cycle && i < 256 && !r.Overrun; i++)
            {
                r.ReadSignedExpGolomb();
            }
        }

        r.ReadUnsignedExpGolomb(); // max_num_ref_frames
        r.ReadBit(); // gaps_in_frame_num_value_allowed_flag
        var widthInMbs = r.ReadUnsignedExpGolomb() + 1;
        var heightInMapUnits = r.ReadUnsignedExpGolomb() + 1;
        var frameMbsOnly = r.ReadBit();
        if (frameMbsOnly == 0)
        {
            r.ReadBit(); // mb_adaptive_frame_field_flag
        }

        r.ReadBit(); // direct_8x8_inference_flag
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (r.ReadBit() == 1)
        {
            cropLeft = r.ReadUnsignedExpGolomb();
            cropRight = r.ReadUnsignedExpGolomb();
            cropTop = r.ReadUnsignedExpGolomb();
            cropBottom = r.ReadUnsignedExpGolomb();
        }

        if (r.Overrun || widthInMbs > 1024 || heightInMapUnits > 1024)
        {
            return false;
        }

        // §7.4.2.1.1: crop units depend on chroma subsampling and field coding.
        var cropUnitX = chromaFormatIdc is 1 or 2 ? 2u : 1u;
        var cropUnitY = (chromaFormatIdc == 1 ? 2u : 1u) * (2 - frameMbsOnly);
        var width = (long)(widthInMbs * 16) - (cropUnitX * (cropLeft + cropRight));
        var height = (long)((2 - frameMbsOnly) * heightInMapUnits * 16) - (cropUnitY * (cropTop + cropBottom));
        if (width <= 0 || height <= 0)
        {
            return false;
        }

        sps = new H264SequenceParameterSet(profileIdc, constraints, levelIdc, (int)width, (int)height);
        return true;
    }

    private static void SkipScalingList(ref H264BitReader r, int size)
    {
        var last = 8;
        var next = 8;
        for (var j = 0; j < size && !r.Overrun; j++)
        {
            if (next != 0)
            {
                next = (last + r.ReadSignedExpGolomb() + 256) % 256;
            }

            last = next == 0 ? last : next;
        }
    }
}
