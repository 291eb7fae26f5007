namespace Vigil.Server.Features.Vision;

/// <summary>The 80 COCO classes in YOLOX's output order (index 0 person, 16 dog), with the names people read.</summary>
internal static class CocoLabels
{
    /// <summary>YOLOX's <c>COCO_CLASSES</c>, which DeepStack clients also use (lower case).</summary>
    public static readonly string[] Names =
    [
        "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
        "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
        "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
        "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
        "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
        "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant", "bed",
        "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven",
        "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush",
    ];

    /// <summary>"Person", "Traffic light", "TV": what events, rules and notifications show.</summary>
    public static readonly string[] Friendly = Names.Select(n => n == "tv" ? "TV" : char.ToUpperInvariant(n[0]) + n[1..]).ToArray();

    /// <summary>The friendly name for a label written any way (<c>person</c>, <c>Person</c>, <c>PERSON</c>), or null when it is no COCO class.</summary>
    public static string? Normalize(string label)
    {
        var index = Array.FindIndex(Names, n => string.Equals(n, label.Trim(), StringComparison.OrdinalIgnoreCase));
        return index < 0 ? null : Friendly[index];
    }
}
