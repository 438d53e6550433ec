using System.Text;

namespace Strata.Data.Tabular;

/// <summary>
/// Reads CSV text (RFC 4180): a header row naming the columns, then one record per row; fields may be quoted
/// with <c>"</c>, and a quoted field may contain the delimiter, line breaks and doubled quotes (<c>""</c>).
/// LF, CRLF and CR line ends are accepted; blank lines are skipped.
/// </summary>
public static class CsvReader
{
    /// <summary>Reads the file at <paramref name="path"/> (UTF-8, with or without BOM).</summary>
    /// <exception cref="InvalidDataException">Empty file, bad header, a row with the wrong number of fields, or bad
    /// quoting; the message names the file and line.</exception>
    public static CsvTable Read(string path, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CsvReader: file '{Path.GetFullPath(path)}' does not exist.", path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, path, delimiter);
    }

    /// <summary>Parses CSV text from <paramref name="reader"/>; <paramref name="source"/> names it in error messages.</summary>
    public static CsvTable Parse(TextReader reader, string source = "<csv>", char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (delimiter is '"' or '\r' or '\n')
            throw new ArgumentException($"CsvReader: the delimiter cannot be a quote or a line break, got {(int)delimiter}.");
        string[]? header = null;
        var rows = new List<string[]>();
        var lines = new List<int>();
        foreach (var (fields, line) in Records(reader, source, delimiter))
        {
            if (header is null)
            {
                header = CheckHeader(fields, source, line);
                continue;
            }
            if (fields.Length != header.Length)
                throw new InvalidDataException($"{source}: line {line}: expected {header.Length} fields as in the header, found {fields.Length}.");
            rows.Add(fields);
            lines.Add(line);
        }
        if (header is null) throw new InvalidDataException($"{source}: the file is empty; expected a header row naming the columns.");
        return new CsvTable(source, header, rows.ToArray(), lines.ToArray());
    }

    private static string[] CheckHeader(string[] fields, string source, int line)
    {
        var names = fields.Select(f => f.Trim()).ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i].Length == 0) throw new InvalidDataException($"{source}: line {line}: header column {i + 1} has no name.");
            if (Array.IndexOf(names, names[i]) != i) throw new InvalidDataException($"{source}: line {line}: header names column '{names[i]}' twice.");
        }
        return names;
    }

    /// <summary>The records of the text with the line each starts on; a record of one empty unquoted field (a blank line) is skipped.</summary>
    private static IEnumerable<(string[] Fields, int Line)> Records(TextReader reader, string source, char delimiter)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1, quoteLine = 0;
        bool inQuotes = false, wasQuoted = false, afterQuote = false;
        while (true)
        {
            int ch = reader.Read();
            if (inQuotes)
            {
                if (ch < 0) throw new InvalidDataException($"{source}: line {quoteLine}: a quoted field is never closed.");
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else { inQuotes = false; afterQuote = true; }
                }
                else
                {
                    if (ch == '\n' || (ch == '\r' && reader.Peek() != '\n')) line++;
                    field.Append((char)ch);
                }
                continue;
            }
            bool endOfRecord = ch < 0 || ch == '\n' || ch == '\r';
            if (ch == delimiter || endOfRecord)
            {
                fields.Add(field.ToString());
                field.Clear();
                afterQuote = false;
                bool blank = fields.Count == 1 && fields[0].Length == 0 && !wasQuoted;
                wasQuoted = false;
                if (endOfRecord)
                {
                    if (ch == '\r' && reader.Peek() == '\n') reader.Read();
                    if (!blank) yield return (fields.ToArray(), recordLine);
                    fields.Clear();
                    if (ch < 0) yield break;
                    line++;
                    recordLine = line;
                }
                continue;
            }
            if (afterQuote && (ch == ' ' || ch == '\t')) continue; // padding after a closing quote, as in "a", "b"
            if (afterQuote)
                throw new InvalidDataException($"{source}: line {line}: unexpected character '{(char)ch}' after a closing quote (field {fields.Count + 1}); quotes inside a quoted field must be doubled.");
            if (ch == '"')
            {
                if (field.Length > 0 && field.ToString().Trim().Length > 0)
                    throw new InvalidDataException($"{source}: line {line}: a quote inside the unquoted field {fields.Count + 1}; quote the whole field and double the inner quote.");
                field.Clear(); // spaces before an opening quote are not part of the value
                inQuotes = true;
                wasQuoted = true;
                quoteLine = line;
                continue;
            }
            field.Append((char)ch);
        }
    }
}
