namespace Bench;

/// <summary>
/// One sampled municipality of the nation benchmark: its rank by population (1 = the largest), population, IBGE code,
/// and per list (in the benchmark's list order) the rows it sends and how many of them change on the next day.
/// </summary>
public sealed record NationSite(int Rank, long Population, string Ibge, long[] Rows, long[] ChangedRows);
