using SyntheticPec;

namespace SyntheticPec.Tests;

public class NameTests
{
    private static string[] Names(int seed, int count)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i => BrazilianNames.FullName(random, female: i % 2 == 0))];
    }

    [Fact]
    public void Names_are_deterministic_for_a_seed()
    {
        Assert.Equal(Names(7, 500), Names(7, 500));
        Assert.NotEqual(Names(7, 500), Names(8, 500));
    }

    [Fact]
    public void Names_carry_accents_and_apostrophes()
    {
        var names = Names(11, 3_000);
        Assert.All(names, n => Assert.False(string.IsNullOrWhiteSpace(n)));
        Assert.All(names, n => Assert.Equal(n.Trim(), n));
        Assert.Contains(names, n => n.Any(c => c > 127));
        Assert.Contains(names, n => n.Contains('\'', StringComparison.Ordinal));
        Assert.Contains(names, n => n.Contains(" dos ", StringComparison.Ordinal) || n.Contains(" da ", StringComparison.Ordinal));
        Assert.True(names.Distinct(StringComparer.Ordinal).Count() > 2_000, "names should rarely repeat");
    }

    [Fact]
    public void Place_names_are_deterministic()
    {
        var a = new Random(5);
        var b = new Random(5);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(BrazilianNames.PlaceName(a), BrazilianNames.PlaceName(b));
        }
    }
}

public class GeneratorTests
{
    private static readonly PecSeed Seed = new(3_000, 42, "2304400", "Fortaleza", new DateOnly(2026, 3, 16));

    [Fact]
    public void Same_seed_generates_identical_data()
    {
        var a = PecGenerator.Generate(Seed);
        var b = PecGenerator.Generate(Seed);
        Assert.Equal(a.Cidadaos, b.Cidadaos);
        Assert.Equal(a.Cadastros, b.Cadastros);
        Assert.Equal(a.Atendimentos, b.Atendimentos);
        Assert.Equal(a.Problemas, b.Problemas);
        Assert.Equal(a.Visitas, b.Visitas);
        Assert.Equal(a.Equipes, b.Equipes);
        Assert.Equal(a.Unidades, b.Unidades);
        Assert.Equal(a.Profissionais, b.Profissionais);
        Assert.Equal(a.Migracoes, b.Migracoes);
        Assert.Equal(a.Vacinas, b.Vacinas);
        Assert.Equal(a.Proced, b.Proced);
    }

    [Fact]
    public void Another_seed_generates_other_data()
    {
        var a = PecGenerator.Generate(Seed);
        var b = PecGenerator.Generate(Seed with { Seed = 43 });
        Assert.NotEqual(a.Cidadaos, b.Cidadaos);
    }

    [Fact]
    public void Citizens_have_valid_documents_duplicates_and_gaps()
    {
        var data = PecGenerator.Generate(Seed);
        var rows = data.Cidadaos;
        Assert.InRange(rows.Count, 3_000 + 90, 3_000 + 240); // ~5% duplicates
        Assert.Equal(Enumerable.Range(1, rows.Count).Select(i => (long)i), rows.Select(r => r.Id));
        Assert.All(rows.Where(r => r.Cpf is not null), r => Assert.True(BrazilianDocuments.IsValidCpf(r.Cpf), r.Cpf));
        Assert.All(rows.Where(r => r.Cns is not null), r => Assert.True(BrazilianDocuments.IsValidCns(r.Cns), r.Cns));
        Assert.Contains(rows, r => r.Cpf is null);
        Assert.Contains(rows, r => r.Cns is null);
        Assert.Contains(rows, r => r.Phone is null);

        // Duplicates: same (trimmed) name and birth date, the later row without CPF.
        var duplicates = rows.Skip(3_000).ToList();
        Assert.All(duplicates, d =>
        {
            var original = rows.First(r => r.Birth == d.Birth && r.Id <= 3_000 && string.Equals(r.Name, d.Name!.TrimEnd(), StringComparison.Ordinal));
            Assert.Null(d.Cpf);
            Assert.Equal(original.Sexo, d.Sexo);
        });
    }

    [Fact]
    public void Dates_and_sentinels_are_in_range()
    {
        var data = PecGenerator.Generate(Seed);
        var today = PecGenerator.TempoKey(Seed.Today);
        var first = PecGenerator.TempoKey(data.FirstDay);
        Assert.Contains(data.Cidadaos, r => r.Birth == PecGenerator.NoDate);
        Assert.All(data.Cidadaos, r => Assert.True(r.Birth == PecGenerator.NoDate || (r.Birth >= first && r.Birth <= today), r.Birth.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(data.Atendimentos, a => Assert.InRange(a.Tempo, first, today));
        Assert.All(data.Atendimentos, a => Assert.Equal(a.Tempo, PecGenerator.TempoKey(DateOnly.FromDateTime(a.Start))));
        Assert.All(data.Visitas, v => Assert.InRange(v.Tempo, first, today));
        Assert.All(data.Cadastros, c => Assert.InRange(c.Tempo, first, today));
        Assert.Contains(data.Atendimentos, a => a.Equipe == PecGenerator.Sentinel);
        Assert.Contains(data.Atendimentos, a => a.Profissional == PecGenerator.Sentinel);
        Assert.Contains(data.Cadastros, c => c.Equipe == PecGenerator.Sentinel);
        Assert.Equal("SEM EQUIPE", data.Equipes[0].Name);
        Assert.Equal("-", data.Unidades[0].Code);
        Assert.Equal("-", data.Profissionais[0].Cns);
    }

    [Fact]
    public void Facts_reference_existing_rows_and_ids_follow_time()
    {
        var data = PecGenerator.Generate(Seed);
        var maxCidadao = data.Cidadaos.Count;
        Assert.All(data.Atendimentos, a => Assert.InRange(a.Cidadao ?? 1, 1, maxCidadao));
        Assert.All(data.Problemas, p => Assert.InRange(p.Atendimento, 1, data.Atendimentos.Count));
        Assert.All(data.Atendimentos, a => Assert.InRange(a.Equipe, 1, data.Equipes.Count));
        Assert.All(data.Atendimentos, a => Assert.InRange(a.Unidade, 1, data.Unidades.Count));
        Assert.All(data.Atendimentos, a => Assert.InRange(a.Profissional, 1, data.Profissionais.Count));
        for (var i = 1; i < data.Atendimentos.Count; i++)
        {
            Assert.True(data.Atendimentos[i - 1].Start <= data.Atendimentos[i].Start);
        }

        Assert.Contains(data.Atendimentos, a => a.Sistolica is not null);
        Assert.Contains(data.Atendimentos, a => a.Sistolica is null);
        Assert.All(data.Atendimentos.Where(a => a.Diastolica is not null), a => Assert.True(a.Diastolica < a.Sistolica));
    }

    [Fact]
    public void Roughly_a_third_of_adults_are_hypertensive()
    {
        var data = PecGenerator.Generate(Seed with { Citizens = 20_000 });
        var cidadaoHasProblem = new HashSet<long>();
        var atendimentos = data.Atendimentos;
        foreach (var p in data.Problemas)
        {
            var cid = data.Cids[(int)p.Cid - 1].Code;
            var ciap = data.Ciaps[(int)p.Ciap - 1].Code;
            if (cid.StartsWith("I1", StringComparison.Ordinal) || ciap is "K86" or "K87")
            {
                cidadaoHasProblem.Add(atendimentos[(int)p.Atendimento - 1].Cidadao ?? 0);
            }
        }

        var selfReported = data.Cadastros.Where(c => c.Hipertensao == 1 && c.Cidadao is not null).Select(c => c.Cidadao!.Value);
        var hypertensiveRows = cidadaoHasProblem.Union(selfReported).Count();
        Assert.InRange(hypertensiveRows, 4_000, 6_500); // ~75% adults x ~30%, plus duplicate rows
    }

    [Fact]
    public void Migrations_end_with_the_configured_version()
    {
        var data = PecGenerator.Generate(Seed with { PecVersion = "5.3.1" });
        Assert.StartsWith("db/v5.3.1/", data.Migracoes[^1].Filename, StringComparison.Ordinal);
        Assert.Contains(data.Config, kv => kv.Key == "VERSAOBANCODADOS" && kv.Value == "5.3.1");
        Assert.Equal(Seed.Today.AddDays(-1).ToDateTime(new TimeOnly(2, 0)), data.Processamentos[^1].End);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Rejects_empty_municipalities(int citizens) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PecGenerator.Generate(Seed with { Citizens = citizens }));
}
