// One-month-ahead forecasts of the Mauna Loa CO2 series (data/timeseries/co2_monthly.csv, 1958-2001) with an LSTM,
// against the naive (last month) and seasonal-naive (same month last year) forecasts, on the last 80 months.
// The LSTM reads the last 24 monthly changes and predicts the next change (standardised with training statistics),
// so the rising trend needs no extrapolation beyond the training range. Ends with one JSON line.
// Usage: dotnet run -c Release --project examples/Forecasting [-- --quick] [--data FILE]
using System.Diagnostics;
using System.Globalization;
using Strata;
using Strata.Data;
using Strata.Data.TimeSeries;
using Strata.Losses;
using Strata.NN;
using Strata.Optim;
using Strata.Training;
using Strata.Training.Callbacks;

bool quick = args.Contains("--quick");
int dataArg = Array.IndexOf(args, "--data");
string path = dataArg >= 0 && dataArg + 1 < args.Length ? args[dataArg + 1] : FindData("data/timeseries/co2_monthly.csv");
const int window = 24, season = 12, validationMonths = 80, testMonths = 80, seed = 7;

var (months, co2) = Co2Csv.Load(path);
int n = co2.Length;
int valStart = n - testMonths - validationMonths, testStart = n - testMonths;
Console.WriteLine($"{path}: {n} months {months[0]}..{months[^1]}; train targets until {months[valStart - 1]}, " +
                  $"validation {months[valStart]}..{months[testStart - 1]}, test {months[testStart]}..{months[^1]}");

// changes[j] = co2[j + 1] − co2[j]; the scaler sees only changes that end inside the training part.
var changes = new float[n - 1, 1];
for (int j = 0; j < n - 1; j++) changes[j, 0] = (float)(co2[j + 1] - co2[j]);
var scaler = StandardScaler.Fit(Windows.Rows(changes, 0, valStart - 1));
var scaled = scaler.Transform(changes);
using var all = Windows.Create(scaled, inputWidth: window, horizon: 1);
// Sample s reads changes[s .. s + window − 1] and predicts changes[s + window], i.e. month t = s + window + 1.
int Month(int sample) => sample + window + 1;
int[] Samples(int from, int to) => Enumerable.Range(0, all.Count).Where(s => Month(s) >= from && Month(s) < to).ToArray();
var train = new Subset(all, Samples(0, valStart));
var validation = new Subset(all, Samples(valStart, testStart));
var testSamples = Samples(testStart, n);

Generator.ManualSeed(seed);
var model = new Sequential(new LSTM(32, generator: new Generator(seed)), new Dense(1, generator: new Generator(seed + 1)));
model.Compile(p => new Adam(p, lr: 3e-3), new MeanSquaredError());
int epochs = quick ? 60 : 200;
Console.WriteLine($"LSTM 32 → Dense 1 on {window}-month windows of changes: {train.Count} training, {validation.Count} validation, {testSamples.Length} test windows; up to {epochs} epochs");
var sw = Stopwatch.StartNew();
var history = model.Fit(train, epochs: epochs, batchSize: 32, validationData: validation, seed: seed, verbose: 0,
    callbacks: new Callback[]
    {
        new EarlyStopping(monitor: "val_loss", patience: quick ? 15 : 30, restoreBestWeights: true),
        new LambdaCallback(onEpochEnd: (epoch, logs) =>
        {
            if ((epoch + 1) % 10 == 0) Console.WriteLine($"epoch {epoch + 1,3}  loss {logs["loss"]:F4}  val_loss {logs["val_loss"]:F4}  {sw.Elapsed.TotalSeconds:F0} s");
        }),
    });
double trainSeconds = sw.Elapsed.TotalSeconds;
Console.WriteLine($"trained {history.Epochs.Count} epochs in {trainSeconds:F1} s{(history.StopReason is { } why ? $" ({why})" : "")}");

// Forecast for month t: last observed value + predicted change, in ppmv.
var forecast = new double[testSamples.Length];
using (var scope = Tensor.Scope())
{
    var x = Tensor.FromArray(testSamples.SelectMany(s => Enumerable.Range(s, window).Select(j => scaled[j, 0])).ToArray(), testSamples.Length, window, 1);
    var predicted = model.Predict(x).ToArray<float>();
    for (int k = 0; k < testSamples.Length; k++)
        forecast[k] = co2[Month(testSamples[k]) - 1] + scaler.InverseTransform(predicted[k], 0);
}
var actual = co2[testStart..];
var series = co2.ToList();
var naive = Forecast.NaiveLast(series, testStart, testMonths);
var seasonal = Forecast.SeasonalNaive(series, testStart, testMonths, season);
double mae = Forecast.Mae(actual, forecast), naiveMae = Forecast.Mae(actual, naive), seasonalMae = Forecast.Mae(actual, seasonal);
Console.WriteLine($"test ({testMonths} months)      MAE ppmv   RMSE ppmv   MAPE %");
Console.WriteLine($"  LSTM                 {mae,8:F3}   {Forecast.Rmse(actual, forecast),9:F3}   {Forecast.Mape(actual, forecast):F4}");
Console.WriteLine($"  naive (last month)   {naiveMae,8:F3}   {Forecast.Rmse(actual, naive),9:F3}   {Forecast.Mape(actual, naive):F4}");
Console.WriteLine($"  seasonal naive (12)  {seasonalMae,8:F3}   {Forecast.Rmse(actual, seasonal),9:F3}   {Forecast.Mape(actual, seasonal):F4}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"test_mae\": {mae:F4}, \"naive_mae\": {naiveMae:F4}, \"seasonal_naive_mae\": {seasonalMae:F4}, \"test_rmse\": {Forecast.Rmse(actual, forecast):F4}, \"epochs\": {history.Epochs.Count}, \"train_seconds\": {trainSeconds:F1}, \"quick\": {(quick ? "true" : "false")}}}"));
return 0;

static string FindData(string relative)
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
    {
        var candidate = Path.Combine(d.FullName, relative);
        if (File.Exists(candidate)) return candidate;
    }
    return relative;
}
