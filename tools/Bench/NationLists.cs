namespace Bench;

/// <summary>
/// Rows per inhabitant of each shipped list: a municipality of P inhabitants sends round(P × ratio) rows of it a day.
/// Every inhabitant is counted as registered in the municipality's PEC (an upper bound: primary-care registration
/// covers most but not all of the population). Sources and reasoning:
/// <list type="bullet">
/// <item><c>hipertensos</c> 0.19: PNS 2019 (IBGE), 23.9 % of adults, 38.1 million people, reported a hypertension
/// diagnosis (https://agenciabrasil.ebc.com.br/saude/noticia/2020-11/ibge-pelo-menos-uma-doenca-cronica-afetou-52-dos-adultos-em-2019):
/// 38.1 / 203 million ≈ 0.19 (the list also takes people diagnosed in PEC who did not report it).</item>
/// <item><c>diabeticos</c> 0.06: PNS 2019, 7.7 % of adults, 12.3 million people (same source): 12.3 / 203 ≈ 0.06.</item>
/// <item><c>citopatologico</c> 0.28: one row per woman aged 25–64 (the screening age range). Women are 51.5 % of the
/// population (Census 2022); that about 55 % of them are 25–64 is our reading of the Census age pyramid, not a figure
/// cited here.</item>
/// <item><c>vacinacao</c> 0.30: one row per child up to 16 months and dose. About 2.5 million births a year gives
/// 16/12 × 2.5 ≈ 3.4 million children (1.7 % of the population), each with about 18 doses of the national calendar
/// by 16 months: our estimate.</item>
/// <item><c>gestantes</c> 0.12: one row per event (prenatal visit, test, dental visit, outcome) of a pregnancy in the
/// list's window: about 2.5 million pregnancies a year × about 10 events each: our estimate.</item>
/// </list>
/// Together 0.95 rows per inhabitant: about 193 million rows a day for the whole country.
/// </summary>
public static class NationLists
{
    public static readonly IReadOnlyDictionary<string, double> RowsPerInhabitant = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["citopatologico"] = 0.28,
        ["diabeticos"] = 0.06,
        ["gestantes"] = 0.12,
        ["hipertensos"] = 0.19,
        ["vacinacao"] = 0.30,
    };

    /// <summary>The next day's changed rows (1 %) get this value in a compared column every list has, so the reconciliation can count them.</summary>
    public const string ChangedColumn = "no_unidade_saude";

    public const string ChangedValue = "UBS ALTERADA NO DIA 2";

    /// <summary>One row in this many changes on the next day.</summary>
    public const int ChangeEvery = 100;

    public static long Rows(string list, long population) => (long)Math.Round(population * RowsPerInhabitant[list]);

    /// <summary>The column offset per copy of the template so every row of a site has its own key (the first key column, or id_cidadao for a keyless list).</summary>
    public static string IdColumn(PecLists.Functions.Lists.ListDefinition list) => list.Key.Count > 0 ? list.Key[0] : "id_cidadao";
}
