using System.Text;

namespace Strata.Serialization;

/// <summary>
/// Writes files so that readers see either the old content or the complete new content, never a partial file:
/// the data goes to a temporary file in the same folder (same volume, so the final move is a rename), is flushed
/// to disk, and then replaces the target with <see cref="File.Move(string, string, bool)"/>. If writing fails the
/// temporary file is removed and the target is left untouched.
/// </summary>
public static class AtomicFile
{
    /// <summary>Creates or replaces <paramref name="path"/> with what <paramref name="write"/> writes to the stream.</summary>
    /// <exception cref="DirectoryNotFoundException">The target's folder does not exist.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? throw new ArgumentException($"AtomicFile: '{path}' has no parent folder.", nameof(path));
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"AtomicFile: cannot write '{path}': the folder '{dir}' does not exist.");
        if (Directory.Exists(full))
            throw new IOException($"AtomicFile: cannot write '{path}': it is a folder.");

        // Hidden, unique and in the same folder, so concurrent writers never share a temp file and the move is a rename.
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Atomically writes <paramref name="text"/> (UTF-8 without a byte-order mark unless <paramref name="encoding"/> says otherwise).</summary>
    public static void WriteAllText(string path, string text, Encoding? encoding = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = (encoding ?? new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)).GetBytes(text);
        Write(path, s => s.Write(bytes));
    }

    /// <summary>Atomically writes <paramref name="bytes"/>.</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Write(path, s => s.Write(bytes));
    }

    private static void TryDelete(string temp)
    {
        try { File.Delete(temp); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
