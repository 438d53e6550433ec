using System.CommandLine;

namespace Strata.Cli.Commands;

/// <summary>How `strata train` reads a CSV/TSV file of labelled text.</summary>
internal sealed record TextSettings(string TextColumn, string LabelColumn, string TokenizerKind, int MaxLength, double TestSplit);

/// <summary>The text options of `strata train` (ignored for image data).</summary>
internal sealed class TextOptions
{
    public Option<string> TextColumn { get; } = new("--text-column") { Description = "text data: the column holding the text", DefaultValueFactory = _ => "text", HelpName = "NAME" };
    public Option<string> LabelColumn { get; } = new("--label-column") { Description = "text data: the column holding the class label", DefaultValueFactory = _ => "label", HelpName = "NAME" };
    public Option<string> Tokenizer { get; } = new("--tokenizer") { Description = "text data: word, char or bpe (byte-pair encoding trained on the training texts); its vocabulary is as large as the model's Embedding allows", DefaultValueFactory = _ => "word" };
    public Option<int> MaxLength { get; } = CommonOptions.Positive(new Option<int>("--max-length") { Description = "text data: tokens per text (longer texts are cut, shorter ones padded with id 0 at the end)", DefaultValueFactory = _ => 100 });
    public Option<double> TestSplit { get; } = CommonOptions.Fraction(new Option<double>("--test-split") { Description = "text data: fraction of the rows held out as the test set (stratified by label), in (0, 1)", DefaultValueFactory = _ => 0.2 }, allowZero: false);

    public TextOptions() => Tokenizer.AcceptOnlyFromAmong("word", "char", "bpe");

    public TextSettings Read(ParseResult r) =>
        new(r.GetValue(TextColumn)!, r.GetValue(LabelColumn)!, r.GetValue(Tokenizer)!, r.GetValue(MaxLength), r.GetValue(TestSplit));
}
