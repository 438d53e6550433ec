using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Strata.Bench;

/// <summary>The line protocol both peer processes speak: one command line out, one JSON line back.</summary>
internal static class PipePeer
{
    /// <summary>The peer's answer, or null when it has gone (its pipe is closed) or answered something that is not JSON.</summary>
    public static JsonNode? Ask(Process p, string command)
    {
        try
        {
            p.StandardInput.WriteLine(command);
            string? line = p.StandardOutput.ReadLine();
            return line == null ? null : JsonNode.Parse(line);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>One rep on the peer: the wall time in seconds it measured itself.</summary>
    public static double RunRep(Process p, string who)
    {
        var r = Ask(p, "run");
        return r?["seconds"]?.GetValue<double>()
               ?? throw new InvalidOperationException($"{who}: run failed: {r?["error"]?.ToString() ?? "no answer"}");
    }

    /// <summary>Asks the peer to quit, waits up to 5 s, then kills it.</summary>
    public static void Quit(Process p)
    {
        try
        {
            p.StandardInput.WriteLine("quit");
            if (!p.WaitForExit(5000)) p.Kill();
        }
        catch (IOException) { }
        p.Dispose();
    }
}
