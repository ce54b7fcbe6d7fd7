namespace SyntheticPec.Tests;

/// <summary>The facts behind diabeticos, gestantes, citopatologico and vacinacao: references, shares, near misses.</summary>
public class ProgrammeTests
{
    private static readonly PecSeed Seed = new(20_000, 42, "2304400", "Fortaleza", new DateOnly(2026, 3, 16));
    private static readonly Lazy<PecData> Data = new(() => PecGenerator.Generate(Seed));

    private static string Cid(PecData data, long id) => data.Cids[(int)id - 1].Code;

    private static string Ciap(PecData data, long id) => data.Ciaps[(int)id - 1].Code;

    private static string Proc(PecData data, long id) => data.Procedimentos[(int)id - 1].Code;

    [Fact]
    public void Same_seed_generates_identical_programme_facts()
    {
        var a = PecGenerator.Generate(Seed with { Citizens = 3_000 });
        var b = PecGenerator.Generate(Seed with { Citizens = 3_000 });
        Assert.Equal(a.AtdProcedimentos, b.AtdProcedimentos);
        Assert.Equal(a.Proced, b.Proced);
        Assert.Equal(a.Odonto, b.Odonto);
        Assert.Equal(a.Vacinacoes, b.Vacinacoes);
        Assert.Equal(a.Vacinas, b.Vacinas);
        Assert.Equal(a.Summary, b.Summary);
    }

    [Fact]
    public void Programme_facts_reference_existing_rows()
    {
        var data = Data.Value;
        var cidadaos = data.Cidadaos.Count;
        Assert.All(data.AtdProcedimentos, p =>
        {
            Assert.InRange(p.Atendimento, 1, data.Atendimentos.Count);
            Assert.InRange(p.Avaliado, 1, data.Procedimentos.Count);
            Assert.InRange(p.Solicitado, 1, data.Procedimentos.Count);
            Assert.True((p.Avaliado == PecGenerator.Sentinel) != (p.Solicitado == PecGenerator.Sentinel));
        });
        Assert.All(data.Proced, p =>
        {
            Assert.InRange(p.Cidadao ?? 0, 1, cidadaos);
            Assert.InRange(p.Procedimento, 2, data.Procedimentos.Count);
            Assert.InRange(p.Profissional, 1, data.Profissionais.Count);
            Assert.InRange(p.Unidade, 2, data.Unidades.Count);
        });
        Assert.All(data.Odonto, o =>
        {
            Assert.InRange(o.Cidadao ?? 0, 1, cidadaos);
            Assert.True(o.Profissional == PecGenerator.Sentinel || data.Profissionais[(int)o.Profissional - 1].Cbo == 8, "dental visits are by dentists");
        });
        Assert.All(data.Vacinas, v =>
        {
            Assert.InRange(v.Vacinacao, 1, data.Vacinacoes.Count);
            Assert.Equal(data.Vacinacoes[(int)v.Vacinacao - 1].Cidadao, v.Cidadao);
            Assert.InRange(v.Imunobiologico, 2, data.Imunobiologicos.Count);
            Assert.InRange(v.Dose, 2, data.Doses.Count);
        });
        Assert.Equal(Enumerable.Range(1, data.Proced.Count).Select(i => (long)i), data.Proced.Select(p => p.Id));
        Assert.Equal(Enumerable.Range(1, data.Vacinas.Count).Select(i => (long)i), data.Vacinas.Select(v => v.Id));
        for (var i = 1; i < data.Proced.Count; i++)
        {
            Assert.True(data.Proced[i - 1].Tempo <= data.Proced[i].Tempo, "procedure ids follow time");
        }

        var today = PecGenerator.TempoKey(Seed.Today);
        Assert.All(data.Proced, p => Assert.True(p.Tempo <= today));
        Assert.All(data.Vacinacoes, v => Assert.True(v.Tempo <= today));
        Assert.All(data.Odonto, o => Assert.Equal(o.Tempo, PecGenerator.TempoKey(DateOnly.FromDateTime(o.Start))));
    }

    [Fact]
    public void About_one_adult_in_ten_is_diabetic_many_also_hypertensive_with_HbA1c_requests()
    {
        var data = Data.Value;
        var diabetesRows = new HashSet<long>();
        var hypertensionRows = new HashSet<long>();
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in data.Problemas)
        {
            var cid = Cid(data, p.Cid);
            var ciap = Ciap(data, p.Ciap);
            var cidadao = data.Atendimentos[(int)p.Atendimento - 1].Cidadao ?? 0;
            if (cid[..Math.Min(3, cid.Length)] is "E10" or "E11" or "E12" or "E13" or "E14" || ciap is "T89" or "T90")
            {
                diabetesRows.Add(cidadao);
                codes.Add(cid != "-" ? cid : ciap);
            }

            if (cid.StartsWith("I1", StringComparison.Ordinal) || ciap is "K86" or "K87")
            {
                hypertensionRows.Add(cidadao);
            }
        }

        var selfReported = data.Cadastros.Where(c => c.Diabete == 1 && c.Cidadao is not null).Select(c => c.Cidadao!.Value);
        var diabetic = diabetesRows.Union(selfReported).ToHashSet();
        Assert.InRange(diabetic.Count, 1_100, 2_200); // ~15,000 adults x ~10%, plus duplicate rows
        Assert.InRange(diabetic.Count(hypertensionRows.Contains), 150, 1_000);
        Assert.Contains("T89", codes);
        Assert.Contains("E149", codes);

        var hba1c = data.AtdProcedimentos.Where(p => Proc(data, p.Solicitado) == "0202010503").Select(p => data.Atendimentos[(int)p.Atendimento - 1].Cidadao ?? 0).ToHashSet();
        Assert.True(hba1c.Count(diabetic.Contains) > diabetic.Count / 3, "most diabetics have an HbA1c request");
        Assert.Contains(hba1c, c => !diabetic.Contains(c)); // screening requests of people without diabetes
    }

    [Fact]
    public void Pregnancies_have_prenatal_consultations_with_a_last_menstrual_period_and_outcomes()
    {
        var data = Data.Value;
        var summary = data.Summary;
        Assert.InRange(summary.Pregnancies, 250, 900); // ~12% of women 14-44 over about two years
        Assert.InRange(summary.PrenatalConsultations, summary.Pregnancies * 2, summary.Pregnancies * 9);
        Assert.InRange(summary.Births, summary.Pregnancies / 3, summary.Pregnancies);
        Assert.InRange(summary.Abortions, 5, summary.Pregnancies / 5);

        var withDum = data.Atendimentos.Where(a => a.Dum != PecGenerator.NoDate).ToList();
        Assert.InRange(withDum.Count, summary.PrenatalConsultations / 2, summary.PrenatalConsultations + summary.Births);
        Assert.All(withDum, a => Assert.True(a.Dum < a.Tempo, "the DUM comes before the consultation"));
        Assert.All(data.Atendimentos.Where(a => a.IdadeGestacional is not null), a => Assert.InRange(a.IdadeGestacional!.Value, 4, 45));
        Assert.Contains(data.Odonto, o => o.Gestante == 1);
        Assert.Contains(data.Odonto, o => o.Gestante == 0);

        // Pregnancy, outcome and near-miss codes are all in use.
        var ciaps = data.Problemas.Select(p => Ciap(data, p.Ciap)).ToHashSet();
        var cids = data.Problemas.Select(p => Cid(data, p.Cid)).ToHashSet();
        Assert.All(new[] { "W78", "W84", "W90", "W82", "W11", "W18" }, c => Assert.Contains(c, ciaps));
        Assert.All(new[] { "Z340", "Z359", "O800", "O039", "Z300", "Z392" }, c => Assert.Contains(c, cids));
    }

    [Fact]
    public void About_a_fifth_of_women_25_to_64_were_never_screened_and_tests_go_beyond_pregnancy()
    {
        var data = Data.Value;
        var summary = data.Summary;
        Assert.InRange(summary.WomenAged25To64, 4_500, 6_500); // ~26% of the population
        Assert.InRange(summary.WomenAged25To64NeverScreened, summary.WomenAged25To64 * 15 / 100, summary.WomenAged25To64 * 30 / 100);
        var codes = data.Proced.GroupBy(p => Proc(data, p.Procedimento)).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Assert.True(codes["0201020033"] > codes["0203010086"]);
        Assert.True(codes["0203010019"] > 0);
        Assert.True(codes["0214010090"] > 0); // hepatitis C: a near miss
        Assert.Contains(data.AtdProcedimentos, p => Proc(data, p.Avaliado) == "0203010086");
        Assert.Contains(data.AtdProcedimentos, p => Proc(data, p.Solicitado) == "0203010086");
        Assert.True(codes["0214010058"] + codes["0214010074"] > codes["0214010040"] / 4, "rapid tests outside pregnancy too");
    }

    [Fact]
    public void Children_up_to_16_months_are_vaccinated_mostly_with_some_without_a_dose_and_doses_typed_twice()
    {
        var data = Data.Value;
        var summary = data.Summary;
        Assert.InRange(summary.ChildrenUpTo16Months, 250, 500); // ~1.8% of the population
        Assert.InRange(summary.ChildrenUpTo16MonthsWithoutDose, 1, summary.ChildrenUpTo16Months / 8);

        var typedTwice = data.Vacinas.GroupBy(v => (v.Vacinacao, v.Imunobiologico, v.Dose)).Count(g => g.Count() > 1);
        Assert.InRange(typedTwice, 1, data.Vacinacoes.Count / 50);
        Assert.Contains(data.Vacinas, v => v.Imunobiologico == 13); // influenza in adults
    }

    [Theory]
    [InlineData(40)]
    [InlineData(300)]
    [InlineData(3_000)]
    public void Even_a_small_municipality_lists_a_child_without_a_dose_and_a_dose_typed_twice(int citizens)
    {
        var data = PecGenerator.Generate(Seed with { Citizens = citizens });
        if (data.Summary.ChildrenUpTo16Months >= 2)
        {
            Assert.True(data.Summary.ChildrenUpTo16MonthsWithoutDose > 0);
            Assert.Contains(data.Vacinas.GroupBy(v => (v.Vacinacao, v.Imunobiologico, v.Dose)), g => g.Count() > 1);
        }
    }
}
