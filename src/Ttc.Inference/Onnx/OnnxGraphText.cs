namespace Ttc.Inference.Onnx;

/// <summary>
/// What an ONNX file says about its graph without loading it: ONNX Runtime's session API exposes inputs and
/// outputs, not nodes. A node's operator type is stored as plain UTF-8 in the protobuf, so finding the name
/// in the file is enough to know a graph uses it; a false match (the name in a doc string) is possible and
/// callers treat the answer as "may use".
/// </summary>
internal static class OnnxGraphText
{
    /// <summary>Whether the bytes <paramref name="name"/> occur in <paramref name="onnxFile"/>.</summary>
    public static bool Mentions(string onnxFile, ReadOnlySpan<byte> name)
    {
        using var stream = File.OpenRead(onnxFile);
        var buffer = new byte[1 << 20];
        int kept = 0;
        while (true)
        {
            int read = stream.Read(buffer, kept, buffer.Length - kept);
            if (read == 0)
            {
                return false;
            }

            int length = kept + read;
            if (buffer.AsSpan(0, length).IndexOf(name) >= 0)
            {
                return true;
            }

            // The name may straddle two reads: keep the tail.
            kept = System.Math.Min(name.Length - 1, length);
            buffer.AsSpan(length - kept, kept).CopyTo(buffer);
        }
    }
}
