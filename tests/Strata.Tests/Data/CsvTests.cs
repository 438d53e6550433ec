using Strata;
using Strata.Data;
using Strata.Data.Tabular;
using Xunit;
using static Strata.Tests.Data.DataTestUtil;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Data;

public class CsvTests
{
    private static CsvTable Parse(string text, string source = "test.csv") => CsvReader.Parse(new StringReader(text), source);

    [Fact]
    public void ParsesQuotingLineBreaksAndLineNumbers()
    {
        var t = Parse("name, note ,n\r\n" +
                      "plain,\"a, b\",1\r\n" +
                      "\"say \"\"hi\"\"\",\"two\nlines\",2\n" +
                      "\n" +
                      "  spaced  ,\"\" ,3\n" +
                      "last,x,4");
        Assert.Equal(new[] { "name", "note", "n" }, t.Columns);
        Assert.Equal(4, t.RowCount);
        Assert.Equal(new[] { "plain", "a, b", "1" }, t[0]);
        Assert.Equal(new[] { "say \"hi\"", "two\nlines", "2" }, t[1]);
        Assert.Equal(new[] { "  spaced  ", "", "3" }, t[2]);
        Assert.Equal(new[] { "last", "x", "4" }, t[3]);
        Assert.Equal(new[] { 2, 3, 6, 7 }, Enumerable.Range(0, 4).Select(t.LineOf));
        Assert.Equal(1, t.ColumnIndex("note"));
        var ex = Assert.Throws<ArgumentException>(() => t.ColumnIndex("nope"));
        Assert.Contains("test.csv", ex.Message);
        Assert.Contains("'note'", ex.Message);
        var semi = CsvReader.Parse(new StringReader("a;b\n1,5;2\n"), "semi.csv", ';');
        Assert.Equal(new[] { "1,5", "2" }, semi[0]);
    }

    [Fact]
    public void MalformedCsvNamesFileAndLine()
    {
        var ragged = Assert.Throws<InvalidDataException>(() => Parse("a,b,c\n1,2,3\n4,5\n", "ragged.csv"));
        Assert.Equal("ragged.csv: line 3: expected 3 fields as in the header, found 2.", ragged.Message);
        var open = Assert.Throws<InvalidDataException>(() => Parse("a,b\n1,\"never\nclosed\n", "open.csv"));
        Assert.Contains("open.csv: line 2", open.Message);
        Assert.Contains("never closed", open.Message);
        var stray = Assert.Throws<InvalidDataException>(() => Parse("a,b\n1,ab\"c\n", "stray.csv"));
        Assert.Contains("stray.csv: line 2", stray.Message);
        var after = Assert.Throws<InvalidDataException>(() => Parse("a,b\n\"x\"y,1\n", "after.csv"));
        Assert.Contains("after a closing quote", after.Message);
        Assert.Contains("header", Assert.Throws<InvalidDataException>(() => Parse("", "empty.csv")).Message);
        Assert.Contains("twice", Assert.Throws<InvalidDataException>(() => Parse("a,a\n1,2\n")).Message);
        Assert.Throws<FileNotFoundException>(() => CsvReader.Read(Path.Combine(Path.GetTempPath(), "strata-missing.csv")));
    }

    [Fact]
    public void PreprocessingMatchesScikitLearnFittedOnTrainOnly()
    {
        var r = Reference("tabular");
        var table = Parse(r.GetProperty("csv").GetString()!, "animals.csv");
        var train = table.Select(r.GetProperty("train_rows").EnumerateArray().Select(v => v.GetInt32()));
        var test = table.Select(r.GetProperty("test_rows").EnumerateArray().Select(v => v.GetInt32()));
        var pre = TabularPreprocessor.Fit(train, new TabularOptions { Target = "label", IgnoreColumns = new[] { "id" } });
        Assert.Equal(r.GetProperty("feature_names").EnumerateArray().Select(v => v.GetString()), pre.FeatureNames);
        Assert.Equal(r.GetProperty("classes").EnumerateArray().Select(v => v.GetString()), pre.Classes);
        Assert.Equal(TargetKind.Classification, pre.TargetKind);
        using var trainSet = pre.Transform(train);
        using var testSet = pre.Transform(test);
        Assert.Equal(new Shape(8, 5), trainSet.X.Shape);
        AssertClose(Doubles(r.GetProperty("train_x")), trainSet.X.ToDoubleArray(), 1e-5, 1e-6);
        // Held-out rows use the training statistics; the unseen colour "purple" encodes as all zeros.
        AssertClose(Doubles(r.GetProperty("test_x")), testSet.X.ToDoubleArray(), 1e-5, 1e-6);
        Assert.Equal(r.GetProperty("train_y").EnumerateArray().Select(v => v.GetInt64()), trainSet.Y.ToArray<long>());
        Assert.Equal(r.GetProperty("test_y").EnumerateArray().Select(v => v.GetInt64()), testSet.Y.ToArray<long>());

        var age = pre.Columns[0];
        Assert.False(age.IsCategorical);
        Assert.Equal((23 + 31 + 45 + 52 + 38 + 29) / 6.0, age.Center, 12);
        var colour = pre.Columns[1];
        Assert.True(colour.IsCategorical);
        Assert.Equal("blue", colour.MostFrequent); // red and blue tie at 3; the first in sorted order wins, as in scikit-learn
    }

    [Fact]
    public void StandardisationByHandAndWithoutScaling()
    {
        var train = Parse("x,y\n1,a\n2,b\n3,a\n6,b\n");
        var test = Parse("x,y\n3,a\n?,b\n");
        var pre = TabularPreprocessor.Fit(train, new TabularOptions { Target = "y" });
        // Mean 3, population variance (4 + 1 + 0 + 9) / 4 = 3.5.
        double s = Math.Sqrt(3.5);
        using var tr = pre.Transform(train);
        AssertClose(new[] { -2 / s, -1 / s, 0, 3 / s }, tr.X.ToDoubleArray());
        using var te = pre.Transform(test);
        AssertClose(new[] { 0.0, 0.0 }, te.X.ToDoubleArray());
        var raw = TabularPreprocessor.Fit(train, new TabularOptions { Target = "y", Standardize = false });
        using var rawTest = raw.Transform(test);
        AssertClose(new[] { 3.0, 3.0 }, rawTest.X.ToDoubleArray()); // '?' imputed with the training mean
        using var scope = Tensor.Scope();
        var features = raw.TransformFeatures(test);
        Assert.Equal(1, scope.Count);
        Assert.Equal(new Shape(2, 1), features.Shape);
    }

    [Fact]
    public void ColumnKindsAndRegressionTargets()
    {
        var t = Parse("zip,size,price\n10115,1.5,100\n80331,2,150.5\n10115,NA,99\n");
        var auto = TabularPreprocessor.Fit(t, new TabularOptions { Target = "price", CategoricalColumns = new[] { "zip" }, Standardize = false });
        Assert.Equal(TargetKind.Regression, auto.TargetKind);
        Assert.Equal(new[] { "zip=10115", "zip=80331", "size" }, auto.FeatureNames);
        using var ds = auto.Transform(t);
        Assert.Equal(new Shape(3, 1), ds.Y.Shape);
        Assert.Equal(DType.Float32, ds.LabelDType);
        Assert.Equal(new[] { 100f, 150.5f, 99f }, ds.Y.ToArray<float>());
        AssertClose(new[] { 1, 0, 1.5, 0, 1, 2, 1, 0, 1.75 }, ds.X.ToDoubleArray());

        var codes = TabularPreprocessor.Fit(Parse("f,c\n1,10\n2,9\n3,10\n"), new TabularOptions { Target = "c", TargetKind = TargetKind.Classification });
        Assert.Equal(new[] { "9", "10" }, codes.Classes); // numeric classes sort by value

        var text = TabularPreprocessor.Fit(Parse("f,g\n1,x\nred,y\n"), new TabularOptions { Target = "g" });
        Assert.True(text.Columns[0].IsCategorical); // auto-detected: not every value is a number
    }

    [Fact]
    public void TabularErrorsNameFileLineAndColumn()
    {
        var train = Parse("a,b,y\n1,u,cat\n2,v,dog\n", "train.csv");
        var forced = Assert.Throws<InvalidDataException>(() =>
            TabularPreprocessor.Fit(Parse("a,y\n1,p\nx1,q\n", "forced.csv"), new TabularOptions { Target = "y", NumericColumns = new[] { "a" } }));
        Assert.Equal("forced.csv: line 3, column 'a': 'x1' is not a number, but the column is numeric.", forced.Message);

        var pre = TabularPreprocessor.Fit(train, new TabularOptions { Target = "y" });
        var nonNumeric = Assert.Throws<InvalidDataException>(() => pre.Transform(Parse("a,b,y\n1,u,cat\nthree,u,dog\n", "test.csv")));
        Assert.Equal("test.csv: line 3, column 'a': 'three' is not a number, but the column is numeric.", nonNumeric.Message);
        var unknown = Assert.Throws<InvalidDataException>(() => pre.Transform(Parse("a,b,y\n1,u,cow\n", "test.csv")));
        Assert.Contains("test.csv: line 2, column 'y': unknown target class 'cow'", unknown.Message);
        Assert.Contains("'cat', 'dog'", unknown.Message);
        var missingTarget = Assert.Throws<InvalidDataException>(() => TabularPreprocessor.Fit(Parse("a,y\n1,p\n2,NA\n", "m.csv"), new TabularOptions { Target = "y" }));
        Assert.Contains("m.csv: line 3, column 'y'", missingTarget.Message);
        var noColumn = Assert.Throws<ArgumentException>(() => pre.Transform(Parse("a,y\n1,cat\n", "narrow.csv")));
        Assert.Contains("narrow.csv: no column named 'b'", noColumn.Message);
        var regression = TabularPreprocessor.Fit(Parse("a,y\n1,2\n2,3\n"), new TabularOptions { Target = "y" });
        var badTarget = Assert.Throws<InvalidDataException>(() => regression.Transform(Parse("a,y\n1,high\n", "r.csv")));
        Assert.Contains("r.csv: line 2, column 'y': regression target 'high'", badTarget.Message);
        var empty = Assert.Throws<InvalidDataException>(() => TabularPreprocessor.Fit(Parse("a,b,y\n1,,p\n2,NA,q\n", "e.csv"), new TabularOptions { Target = "y" }));
        Assert.Contains("column 'b' has no values", empty.Message);
    }

    [Fact]
    public void CsvDatasetLoadSplitsBeforeFitting()
    {
        using var dir = new TempDir();
        var lines = new List<string> { "x1,x2,kind" };
        for (int i = 0; i < 40; i++) lines.Add($"{i},{(i % 3 == 0 ? "\"a, b\"" : "c")},{(i < 30 ? "big" : "small")}");
        var path = dir.Write("data.csv", System.Text.Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n"));
        var (train, test) = CsvDataset.Load(path, new TabularOptions { Target = "kind" }, 0.25, seed: 3, stratify: true);
        using (train)
        using (test)
        {
            Assert.Equal((30, 10), (train.Count, test.Count));
            Assert.Equal(new[] { "big", "small" }, train.Classes);
            // 7.5 big and 2.5 small rows are due in the test part: one rounds up, the other down.
            int big = test.GetLabels().Count(l => l == 0);
            Assert.InRange(big, 7, 8);
            Assert.Equal(10 - big, test.GetLabels().Count(l => l == 1));
            Assert.Equal(new[] { "x1", "x2=a, b", "x2=c" }, train.FeatureNames);
            // Standardised with the training rows' statistics: mean 0 on train, not on test in general.
            var x = train.X.ToDoubleArray();
            Assert.Equal(0, Enumerable.Range(0, 30).Average(i => x[i * 3]), 5);
            Assert.Same(train.Preprocessor, test.Preprocessor);
            var loader = new DataLoader(train, 8, shuffle: true, seed: 1);
            Assert.Equal(30, Labels(loader).Sum(l => l.Length));
        }
        using var all = CsvDataset.Load(path, new TabularOptions { Target = "kind" });
        Assert.Equal(40, all.Count);
    }
}
