using System.Globalization;

namespace Bench;

/// <summary>
/// Brazil's 5,570 municipalities by population, rebuilt from the figures IBGE published for the 2022 Census (and,
/// for the one split the Census coverage we could read does not give, the 2019 estimates):
/// <list type="bullet">
/// <item>203,062,512 inhabitants in 5,570 municipalities; the smallest, Serra da Saudade (MG), 833; the 20 largest by name
/// and population (Census 2022, first results, 2023-06-28; e.g. https://terrabrasilnoticias.com/?p=54136,
/// https://www.blogdorobertomaia.com.br/2023/06/veja-os-municipios-com-as-10-maiores-e.html).</item>
/// <item>2,495 municipalities (44.8 %) with up to 10,000 inhabitants, 12.7–12.8 million people; 319 municipalities above
/// 100,000 hold 57 % of the population (Census 2022: https://metropoles.com/brasil/mais-da-metade-da-populacao-vive-em-319-municipios-mostra-censo,
/// https://jovempan.com.br/noticias/brasil/sao-paulo-e-a-cidade-mais-populosa-do-pais-enquanto-serra-da-saudade-possui-a-menor-quantidade-de-habitantes.html).</item>
/// <item>3,670 municipalities below 20,000 inhabitants with 15.2 % of the population (IBGE estimates 2019:
/// http://agenciabrasil.ebc.com.br/geral/noticia/2019-08/quatro-municipios-concentram-118-da-populacao-brasileira):
/// the split at 20,000 is taken from there.</item>
/// </list>
/// Within each class the sizes follow a truncated power law whose exponent is solved so that the class's count and
/// total are exact (its quantiles at (i + ½)/n): a smooth stand-in for the per-municipality table, which is not
/// readable from here.
/// </summary>
public static class NationPopulation
{
    public const long Total = 203_062_512;

    /// <summary>The 20 largest municipalities, Census 2022.</summary>
    public static readonly IReadOnlyList<(string Name, long Population)> Largest =
    [
        ("São Paulo", 11_451_245), ("Rio de Janeiro", 6_211_423), ("Brasília", 2_817_068), ("Fortaleza", 2_428_678),
        ("Salvador", 2_418_005), ("Belo Horizonte", 2_315_560), ("Manaus", 2_063_547), ("Curitiba", 1_773_733),
        ("Recife", 1_488_920), ("Goiânia", 1_437_237), ("Porto Alegre", 1_332_570), ("Belém", 1_303_389),
        ("Guarulhos", 1_291_784), ("Campinas", 1_138_309), ("São Luís", 1_037_775), ("Maceió", 957_916),
        ("Campo Grande", 897_938), ("São Gonçalo", 896_744), ("Teresina", 866_300), ("João Pessoa", 833_932),
    ];

    /// <summary>Every municipality's population, largest first (5,570 values summing to <see cref="Total"/> within rounding).</summary>
    public static IReadOnlyList<long> All()
    {
        var below10k = 12_750_000L;
        var below20k = (long)Math.Round(0.152 * Total);
        var above100k = (long)Math.Round(0.57 * Total);
        var largest = Largest.Sum(l => l.Population);
        var sizes = new List<long>(5570);
        sizes.AddRange(Largest.Select(l => l.Population));
        sizes.AddRange(Class(100_001, 833_931, 319 - 20, above100k - largest));
        sizes.AddRange(Class(20_001, 100_000, 5570 - 3670 - 319, Total - above100k - below20k));
        sizes.AddRange(Class(10_001, 20_000, 3670 - 2495, below20k - below10k));
        sizes.AddRange(Class(833, 10_000, 2495, below10k));
        sizes.Sort((a, b) => b.CompareTo(a));
        return sizes;
    }

    /// <summary>
    /// A systematic sample of the municipalities sorted by size: every (1/fraction)-th, starting half a step in, so each
    /// sampled site stands for 1/fraction municipalities of about its size and the sample keeps the distribution.
    /// </summary>
    public static IReadOnlyList<(int Rank, long Population)> Sample(double fraction)
    {
        var all = All();
        var count = Math.Max(1, (int)Math.Round(all.Count * fraction));
        var step = all.Count / (double)count;
        return [.. Enumerable.Range(0, count).Select(i => (int)Math.Floor((i + 0.5) * step)).Select(r => (r + 1, all[r]))];
    }

    /// <summary>n sizes in [low, high] summing to total: quantiles of a truncated power law, exponent found by bisection.</summary>
    private static IEnumerable<long> Class(double low, double high, int n, long total)
    {
        if (total <= low * n || total >= high * n)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"class [{low}, {high}] cannot hold {n} municipalities totalling {total}"));
        }

        double Quantile(double u, double alpha) => Math.Abs(alpha) < 1e-9
            ? low * Math.Pow(high / low, u)
            : Math.Pow(Math.Pow(low, -alpha) - (u * (Math.Pow(low, -alpha) - Math.Pow(high, -alpha))), -1 / alpha);
        double Sum(double alpha) => Enumerable.Range(0, n).Sum(i => Quantile((i + 0.5) / n, alpha));

        // The sum falls as alpha grows (more weight near low).
        var (lo, hi) = (-20.0, 20.0);
        for (var i = 0; i < 200; i++)
        {
            var mid = (lo + hi) / 2;
            (lo, hi) = Sum(mid) > total ? (mid, hi) : (lo, mid);
        }

        return Enumerable.Range(0, n).Select(i => (long)Math.Round(Quantile((i + 0.5) / n, (lo + hi) / 2)));
    }
}
