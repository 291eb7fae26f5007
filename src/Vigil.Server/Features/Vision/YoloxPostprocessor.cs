namespace Vigil.Server.Features.Vision;

/// <summary>
/// Turns YOLOX's raw output (<c>[3549, 85]</c>: tx, ty, tw, th, objectness, 80 class scores, for
/// the anchor points of strides 8, 16 and 32 on a 416x416 input) into boxes in the original
/// picture's pixels: decode, score = objectness x best class, threshold, per-class NMS at IoU 0.45.
/// (See ../shared/models/yolox_nano/SOURCE.md.)
/// </summary>
internal static class YoloxPostprocessor
{
    public const int InputSize = 416;
    public const int Columns = 85;
    public const float NmsIou = 0.45f;
    private static readonly int[] Strides = [8, 16, 32];

    public static int Rows => Strides.Sum(s => (InputSize / s) * (InputSize / s));

    /// <param name="output">The model output, row-major, <see cref="Rows"/> x 85.</param>
    /// <param name="scale">The letterbox scale r = min(416/h, 416/w).</param>
    /// <param name="width">The original picture's width; boxes are clamped to it.</param>
    /// <param name="height">The original picture's height.</param>
    /// <param name="minConfidence">Boxes scoring less are dropped.</param>
    public static List<Detection> Decode(ReadOnlySpan<float> output, float scale, int width, int height, float minConfidence)
    {
        if (output.Length != Rows * Columns)
        {
            throw new ArgumentException($"expected {Rows * Columns} values, got {output.Length}", nameof(output));
        }

        var candidates = new List<Detection>();
        var row = 0;
        foreach (var stride in Strides)
        {
            var grid = InputSize / stride;
            for (var gy = 0; gy < grid; gy++)
            {
                for (var gx = 0; gx < grid; gx++, row++)
                {
                    var values = output.Slice(row * Columns, Columns);
                    var objectness = values[4];
                    if (objectness < minConfidence)
                    {
                        continue; // the score cannot reach the threshold: class scores are at most 1
                    }

                    var best = 0;
                    for (var c = 1; c < 80; c++)
                    {
                        if (values[5 + c] > values[5 + best])
                        {
                            best = c;
                        }
                    }

                    var score = objectness * values[5 + best];
                    if (score < minConfidence)
                    {
                        continue;
                    }

                    var cx = (values[0] + gx) * stride / scale;
                    var cy = (values[1] + gy) * stride / scale;
                    var w = MathF.Exp(values[2]) * stride / scale;
                    var h = MathF.Exp(values[3]) * stride / scale;
                    var x0 = Math.Clamp(cx - (w / 2), 0, width);
                    var y0 = Math.Clamp(cy - (h / 2), 0, height);
                    var x1 = Math.Clamp(cx + (w / 2), 0, width);
                    var y1 = Math.Clamp(cy + (h / 2), 0, height);
                    if (!float.IsFinite(x0 + y0 + x1 + y1) || x1 <= x0 || y1 <= y0)
                    {
                        continue;
                    }

                    candidates.Add(new Detection(best, CocoLabels.Friendly[best], score, x0, y0, x1 - x0, y1 - y0));
                }
            }
        }

        return NonMaximumSuppression(candidates);
    }

    /// <summary>Per class, keeps the best box and drops those overlapping it by more than <see cref="NmsIou"/>.</summary>
    public static List<Detection> NonMaximumSuppression(List<Detection> candidates)
    {
        var kept = new List<Detection>();
        foreach (var detection in candidates.OrderByDescending(d => d.Confidence))
        {
            if (!kept.Any(k => k.ClassId == detection.ClassId && IntersectionOverUnion(k, detection) > NmsIou))
            {
                kept.Add(detection);
            }
        }

        return kept;
    }

    public static float IntersectionOverUnion(Detection a, Detection b)
    {
        var x0 = Math.Max(a.X, b.X);
        var y0 = Math.Max(a.Y, b.Y);
        var x1 = Math.Min(a.X + a.Width, b.X + b.Width);
        var y1 = Math.Min(a.Y + a.Height, b.Y + b.Height);
        var intersection = Math.Max(0, x1 - x0) * Math.Max(0, y1 - y0);
        var union = (a.Width * a.Height) + (b.Width * b.Height) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}
