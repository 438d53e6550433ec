namespace Strata.Training.TensorBoard;

/// <summary>
/// Encodes TensorFlow <c>Event</c> messages (tensorflow/core/util/event.proto): wall_time = 1 (double),
/// step = 2 (int64), file_version = 3 (string), summary = 5 (Summary). Summary.value = 1 (repeated Value);
/// Value.tag = 1 (string), Value.simple_value = 2 (float). Fields at their default (step 0) are omitted, as
/// protobuf serializers do, so the bytes match what TensorFlow and PyTorch write.
/// </summary>
internal static class EventEncoder
{
    /// <summary>The version string TensorBoard expects in the first event of a file.</summary>
    public const string FileVersion = "brain.Event:2";

    public static byte[] FileVersionEvent(double wallTime) =>
        new ProtoWriter().Double(1, wallTime).String(3, FileVersion).ToArray();

    public static byte[] ScalarEvent(double wallTime, long step, string tag, float value)
    {
        var v = new ProtoWriter().String(1, tag).Float(2, value).ToArray();
        var summary = new ProtoWriter().Bytes(1, v).ToArray();
        var e = new ProtoWriter().Double(1, wallTime);
        if (step != 0) e.Int64(2, step);
        return e.Bytes(5, summary).ToArray();
    }
}
