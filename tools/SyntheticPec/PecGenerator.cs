using System.Globalization;
using System.Text;

namespace SyntheticPec;

/// <summary>
/// Builds a whole synthetic municipality in memory. Every table draws from its own
/// <see cref="Random"/> seeded from <see cref="PecSeed.Seed"/>, so the output depends only on the seed.
/// </summary>
internal static partial class PecGenerator
{
    internal const long Sentinel = 1;
    internal const long NoDate = 30001231;

    internal const long SexoMasculino = 2;
    internal const long SexoFeminino = 3;
    internal const long SexoIndeterminado = 4;

    private const long CboMedicoEsf = 2;
    private const long CboEnfermeiroEsf = 3;
    private const long CboAcs = 4;
    private const long CboMedicoClinico = 6;

    internal static readonly DateOnly FirstCalendarDay = new(1920, 1, 1);

    private static readonly CodeRow[] SexoRows =
    [
        new(1, "-", "NÃO INFORMADO"), new(2, "M", "MASCULINO"), new(3, "F", "FEMININO"), new(4, "I", "INDETERMINADO"),
    ];

    private static readonly CodeRow[] CboRows =
    [
        new(1, "-", "NÃO INFORMADO"),
        new(2, "225142", "MÉDICO DA ESTRATÉGIA DE SAÚDE DA FAMÍLIA"),
        new(3, "223565", "ENFERMEIRO DA ESTRATÉGIA DE SAÚDE DA FAMÍLIA"),
        new(4, "515105", "AGENTE COMUNITÁRIO DE SAÚDE"),
        new(5, "322245", "TÉCNICO DE ENFERMAGEM DA ESTRATÉGIA DE SAÚDE DA FAMÍLIA"),
        new(6, "225125", "MÉDICO CLÍNICO"),
        new(7, "223505", "ENFERMEIRO"),
        new(8, "223293", "CIRURGIÃO-DENTISTA DA ESTRATÉGIA DE SAÚDE DA FAMÍLIA"),
    ];

    private static readonly CodeRow[] CidRows =
    [
        new(1, "-", "NÃO INFORMADO"),
        new(2, "I10", "Hipertensão essencial (primária)"),
        new(3, "I110", "Doença cardíaca hipertensiva com insuficiência cardíaca (congestiva)"),
        new(4, "I119", "Doença cardíaca hipertensiva sem insuficiência cardíaca (congestiva)"),
        new(5, "I120", "Doença renal hipertensiva com insuficiência renal"),
        new(6, "I129", "Doença renal hipertensiva sem insuficiência renal"),
        new(7, "I130", "Doença cardíaca e renal hipertensiva com insuficiência cardíaca (congestiva)"),
        new(8, "I150", "Hipertensão renovascular"),
        new(9, "I159", "Hipertensão secundária, não especificada"),
        new(10, "E119", "Diabetes mellitus não-insulino-dependente - sem complicações"),
        new(11, "E109", "Diabetes mellitus insulino-dependente - sem complicações"),
        new(12, "I959", "Hipotensão não especificada"),
        new(13, "I209", "Angina pectoris, não especificada"),
        new(14, "J069", "Infecção aguda das vias aéreas superiores não especificada"),
        new(15, "R51", "Cefaléia"),
        new(16, "Z000", "Exame médico geral"),
        new(17, "M545", "Dor lombar baixa"),
        new(18, "N390", "Infecção do trato urinário de localização não especificada"),
        new(19, "F329", "Episódio depressivo não especificado"),
        new(20, "K297", "Gastrite não especificada"),
        new(21, "R030", "Valor elevado da pressão arterial sem o diagnóstico de hipertensão"),
        new(22, "E149", "Diabetes mellitus não especificado - sem complicações"),
        new(23, "E112", "Diabetes mellitus não-insulino-dependente - com complicações renais"),
        new(24, "R739", "Hiperglicemia não especificada"),
        new(25, "E162", "Hipoglicemia não especificada"),
        new(26, "Z321", "Gravidez confirmada"),
        new(27, "Z33", "Gravidez como achado incidental"),
        new(28, "Z340", "Supervisão de primeira gravidez normal"),
        new(29, "Z348", "Supervisão de outras gravidezes normais"),
        new(30, "Z349", "Supervisão de gravidez normal, não especificada"),
        new(31, "Z359", "Supervisão de gravidez de alto risco, não especificada"),
        new(32, "Z369", "Rastreamento pré-natal não especificado"),
        new(33, "O13", "Hipertensão gestacional [induzida pela gravidez] sem proteinúria significativa"),
        new(34, "O219", "Vômitos da gravidez, não especificados"),
        new(35, "O234", "Infecção não especificada do trato urinário na gravidez"),
        new(36, "O244", "Diabetes mellitus que surge durante a gravidez"),
        new(37, "O800", "Parto espontâneo cefálico"),
        new(38, "O820", "Parto por cesariana eletiva"),
        new(39, "O039", "Aborto espontâneo - completo ou não especificado, sem complicações"),
        new(40, "O069", "Aborto não especificado - completo ou não especificado, sem complicações"),
        new(41, "Z300", "Aconselhamento geral sobre contracepção"),
        new(42, "Z392", "Seguimento pós-parto, de rotina"),
    ];

    private static readonly CodeRow[] CiapRows =
    [
        new(1, "-", "NÃO INFORMADO"),
        new(2, "K86", "Hipertensão sem complicações"),
        new(3, "K87", "Hipertensão com complicações"),
        new(4, "T90", "Diabetes não insulino-dependente"),
        new(5, "T89", "Diabetes insulino-dependente"),
        new(6, "K85", "Pressão arterial elevada"),
        new(7, "A98", "Medicina preventiva/manutenção da saúde"),
        new(8, "R74", "Infecção aguda do aparelho respiratório superior"),
        new(9, "L03", "Sinais/sintomas da região lombar"),
        new(10, "P76", "Perturbações depressivas"),
        new(11, "N01", "Cefaleia"),
        new(12, "A97", "Sem doença"),
        new(13, "W03", "Hemorragia antes do parto"),
        new(14, "W05", "Náusea/vômito na gravidez"),
        new(15, "W71", "Infecção que complica a gravidez"),
        new(16, "W78", "Gravidez"),
        new(17, "W79", "Gravidez não desejada"),
        new(18, "W80", "Gravidez ectópica"),
        new(19, "W81", "Toxemia gravídica"),
        new(20, "W84", "Gravidez de alto risco"),
        new(21, "W85", "Diabetes gestacional"),
        new(22, "W90", "Parto sem complicações de nascido vivo"),
        new(23, "W92", "Parto com complicações de nascido vivo"),
        new(24, "W82", "Aborto espontâneo"),
        new(25, "W83", "Aborto provocado"),
        new(26, "W11", "Contracepção oral"),
        new(27, "W18", "Sinais/sintomas pós-parto"),
        new(28, "T87", "Hipoglicemia"),
    ];

    // Hypertension codes and how often each is chosen (I10 dominates, as in practice).
    private static readonly long[] HasCids = [2, 2, 2, 2, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9];
    private static readonly long[] HasCiaps = [2, 2, 2, 2, 3];
    private static readonly long[] OtherCids = [13, 14, 15, 16, 17, 18, 19, 20];
    private static readonly long[] OtherCiaps = [7, 8, 9, 10, 11, 12];
    private static readonly long[] NearMissCids = [12, 21];
    private const long NearMissCiap = 6;

    private static readonly (string Ibge, string Name)[] OtherMunicipalities =
    [
        ("2304400", "Fortaleza"), ("2408102", "Natal"), ("2611606", "Recife"), ("2927408", "Salvador"),
        ("3106200", "Belo Horizonte"), ("3550308", "São Paulo"), ("4314902", "Porto Alegre"),
        ("5300108", "Brasília"), ("2211001", "Teresina"), ("1501402", "Belém"),
    ];

    private static readonly string[] Ddds = ["11", "21", "31", "41", "61", "71", "79", "81", "83", "84", "85", "86", "98"];

    // Share of the population per 5-year age band, 0–4 up to 100–104 (roughly Brazil's pyramid).
    private static readonly double[] AgeBands =
    [
        6.5, 7.0, 7.0, 7.3, 7.8, 7.8, 7.9, 8.0, 7.5, 6.5, 6.0, 5.5, 4.6, 3.6, 2.7, 1.8, 1.1, 0.6, 0.25, 0.08, 0.02,
    ];

    private sealed class Team
    {
        public required long Id { get; init; }
        public required long Unit { get; init; }
        public required long[] Doctors { get; init; }
        public required long[] Nurses { get; init; }
        public required long[] Acs { get; init; }

        public long Dentist { get; set; }
    }

    private sealed class Person
    {
        public int Age { get; set; } // -1 when the birth date is unknown
        public long BirthKey { get; set; }
        public DateOnly? Birth { get; set; }
        public bool Female { get; set; }
        public Team? Team { get; set; }
        public long Row { get; set; }
        public long DuplicateRow { get; set; } // 0 when none
        public bool Hypertensive { get; set; }
        public bool SelfReported { get; set; }
        public bool Diagnosed { get; set; }
        public bool Diabetic { get; set; }
        public decimal Height { get; set; }
        public decimal Weight { get; set; }
        public long Sexo { get; set; }
        public List<AtdItem> Visits { get; } = [];
        public bool Pregnant { get; set; }
        public int CitoExams { get; set; }
        public int Doses { get; set; }

        public bool Adult => Age < 0 || Age >= 18;

        public long PickRow(Random random) => DuplicateRow != 0 && random.Next(2) == 0 ? DuplicateRow : Row;
    }

    internal static long TempoKey(DateOnly date) => (date.Year * 10000L) + (date.Month * 100L) + date.Day;

    internal static PecData Generate(PecSeed seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        if (seed.Citizens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(seed), "Citizens must be at least 1.");
        }

        if (seed.IbgeCode is not { Length: 7 } || !seed.IbgeCode.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("IbgeCode must be 7 digits.", nameof(seed));
        }

        var today = seed.Today;
        var lastDay = new DateOnly(today.Year + 1, 12, 31);

        var dimRandom = Derive(seed.Seed, 1);
        var municipios = BuildMunicipios(seed);
        var ownMunicipio = municipios.First(m => m.Ibge == seed.IbgeCode).Id;
        var (unidades, equipes, profissionais, teams, polyclinic) = BuildCareNetwork(seed, dimRandom);

        var people = BuildPeople(seed, teams, Derive(seed.Seed, 2));
        var cidadaos = BuildCidadaos(people, municipios, ownMunicipio, Derive(seed.Seed, 3));
        var cadastros = BuildCadastros(seed, people, unidades, Derive(seed.Seed, 4));
        var items = BuildAtendimentos(seed, people, teams, polyclinic, unidades, Derive(seed.Seed, 5));
        var visitas = BuildVisitas(seed, people, unidades, Derive(seed.Seed, 6));

        // Everything below draws from streams of its own (8 and up) and adds no consultation to a hypertensive
        // person, so the rows above, and what the hipertensos list makes of them, stay as they were.
        AddDentists(teams, polyclinic, profissionais, Derive(seed.Seed, 13));
        var extra = new ExtraFacts(items, unidades);
        AddDiabetesCare(items, extra, Derive(seed.Seed, 8));
        AddPregnancies(seed, people, teams, extra, Derive(seed.Seed, 9));
        AddCervicalScreening(seed, people, polyclinic, extra, Derive(seed.Seed, 10));
        AddVaccinations(seed, people, teams, extra, Derive(seed.Seed, 11));
        AddDentalVisits(seed, people, polyclinic, extra, Derive(seed.Seed, 12));
        var (atendimentos, problemas, procedimentos) = extra.NumberAtendimentos();
        var (vacinacoes, vacinas) = extra.NumberVacinacoes();

        var version = seed.PecVersion;
        var config = new List<KeyValuePair<string, string>>
        {
            new("NOMEINSTALACAO", $"Secretaria Municipal de Saúde de {seed.MunicipalityName}"),
            new("TIPOINSTALACAO", "PRONTUARIO"),
            new("TREINAMENTO", "false"),
            new("VERSAOBANCODADOS", version),
        };

        return new PecData
        {
            FirstDay = FirstCalendarDay,
            LastDay = lastDay,
            Sexos = SexoRows,
            Equipes = equipes,
            Unidades = unidades,
            Profissionais = profissionais,
            Cbos = CboRows,
            Cids = CidRows,
            Ciaps = CiapRows,
            Municipios = municipios,
            Cidadaos = cidadaos,
            Cadastros = cadastros,
            Atendimentos = atendimentos,
            Problemas = problemas,
            Visitas = visitas,
            Procedimentos = ProcedimentoRows,
            Imunobiologicos = ImunobiologicoRows,
            Doses = DoseRows,
            AtdProcedimentos = procedimentos,
            Proced = extra.NumberProced(),
            Odonto = extra.NumberOdonto(),
            Vacinacoes = vacinacoes,
            Vacinas = vacinas,
            Summary = Summarize(today, people, extra),
            Config = config,
            Migracoes = BuildMigracoes(seed, Derive(seed.Seed, 7)),
            Processamentos = BuildProcessamentos(today),
        };
    }

    private static Random Derive(int seed, int stream) => new(unchecked((seed * 1_000_003) ^ (stream * 7_919)));

    private static List<MunicipioRow> BuildMunicipios(PecSeed seed)
    {
        var all = OtherMunicipalities.Where(m => m.Ibge != seed.IbgeCode).ToList();
        all.Add((seed.IbgeCode, seed.MunicipalityName));
        all.Sort((a, b) => string.CompareOrdinal(a.Ibge, b.Ibge));
        var rows = new List<MunicipioRow> { new(Sentinel, "-", "NÃO INFORMADO", "-") };
        foreach (var (ibge, name) in all)
        {
            rows.Add(new MunicipioRow(rows.Count + 1, ibge, name, Uf(ibge)));
        }

        return rows;
    }

    private static string Uf(string ibge) => ibge[..2] switch
    {
        "11" => "RO",
        "12" => "AC",
        "13" => "AM",
        "14" => "RR",
        "15" => "PA",
        "16" => "AP",
        "17" => "TO",
        "21" => "MA",
        "22" => "PI",
        "23" => "CE",
        "24" => "RN",
        "25" => "PB",
        "26" => "PE",
        "27" => "AL",
        "28" => "SE",
        "29" => "BA",
        "31" => "MG",
        "32" => "ES",
        "33" => "RJ",
        "35" => "SP",
        "41" => "PR",
        "42" => "SC",
        "43" => "RS",
        "50" => "MS",
        "51" => "MT",
        "52" => "GO",
        "53" => "DF",
        _ => "-",
    };

    private static (List<CodeRow> Unidades, List<CodeRow> Equipes, List<ProfissionalRow> Profissionais, List<Team> Teams, Team Polyclinic)
        BuildCareNetwork(PecSeed seed, Random random)
    {
        var teamCount = Math.Max(3, seed.Citizens / 3500);
        var unitCount = Math.Max(2, (teamCount + 1) / 2);
        var places = BrazilianNames.Places;
        var placeOffset = random.Next(places.Count);

        string Place(int i)
        {
            var place = places[(placeOffset + (i * 7)) % places.Count];
            var round = i / places.Count;
            return round == 0 ? place : string.Create(CultureInfo.InvariantCulture, $"{place} {round + 1}");
        }

        var usedCnes = new HashSet<string>(StringComparer.Ordinal);
        string NewCnes()
        {
            while (true)
            {
                var cnes = random.Next(2_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture);
                if (usedCnes.Add(cnes))
                {
                    return cnes;
                }
            }
        }

        var unidades = new List<CodeRow> { new(Sentinel, "-", "NÃO INFORMADO") };
        for (var i = 0; i < unitCount; i++)
        {
            var place = Place(i);
            var name = (i % 5) switch
            {
                0 => $"UBS {place}",
                1 => $"Unidade Básica de Saúde {place}",
                2 => $"Centro de Saúde \"{place}\", Zona {(i % 2 == 0 ? "Urbana" : "Rural")}",
                3 => $"UBS Dr. {BrazilianNames.FullName(random, female: false)}",
                _ => $"Posto de Saúde {place}",
            };
            unidades.Add(new CodeRow(unidades.Count + 1, NewCnes(), name));
        }

        var polyclinicUnit = unidades.Count + 1L;
        unidades.Add(new CodeRow(polyclinicUnit, NewCnes(), "Policlínica Municipal Dr. João D'Ávila, Anexo \"B\""));

        var profissionais = new List<ProfissionalRow> { new(Sentinel, "-", "NÃO INFORMADO", Sentinel) };
        long AddProfissional(long cbo)
        {
            var id = profissionais.Count + 1L;
            var name = BrazilianNames.FullName(random, female: random.Next(100) < 65);
            profissionais.Add(new ProfissionalRow(id, BrazilianDocuments.DefinitiveCns(random), name, cbo));
            return id;
        }

        var usedIne = new HashSet<string>(StringComparer.Ordinal);
        var equipes = new List<CodeRow> { new(Sentinel, "-", "SEM EQUIPE") };
        var teams = new List<Team>();
        for (var i = 0; i < teamCount; i++)
        {
            string ine;
            do
            {
                ine = random.Next(100_000, 9_999_999).ToString("0000000000", CultureInfo.InvariantCulture);
            }
            while (!usedIne.Add(ine));

            var place = Place(i + 3);
            var number = i + 1;
            var name = (i % 4) switch
            {
                0 => string.Create(CultureInfo.InvariantCulture, $"ESF {number:00} - {place}"),
                1 => $"EQUIPE \"{place}\", ÁREA {number.ToString(CultureInfo.InvariantCulture)}",
                2 => $"eSF {place}",
                _ => string.Create(CultureInfo.InvariantCulture, $"ESF {place} (Micro-área {number}, D'Água)"),
            };
            var id = equipes.Count + 1L;
            equipes.Add(new CodeRow(id, ine, name));

            var doctors = new[] { AddProfissional(CboMedicoEsf) };
            var nurses = new[] { AddProfissional(CboEnfermeiroEsf) };
            AddProfissional(5); // a nursing technician, only in the dimension
            var acs = new long[4 + random.Next(4)];
            for (var a = 0; a < acs.Length; a++)
            {
                acs[a] = AddProfissional(CboAcs);
            }

            teams.Add(new Team { Id = id, Unit = 2 + (i % unitCount), Doctors = doctors, Nurses = nurses, Acs = acs });
        }

        var polyclinic = new Team
        {
            Id = Sentinel,
            Unit = polyclinicUnit,
            Doctors = [AddProfissional(CboMedicoClinico), AddProfissional(CboMedicoClinico)],
            Nurses = [AddProfissional(7)],
            Acs = [],
        };

        return (unidades, equipes, profissionais, teams, polyclinic);
    }

    private static List<Person> BuildPeople(PecSeed seed, List<Team> teams, Random random)
    {
        var today = seed.Today;
        var bandTotal = AgeBands.Sum();
        var people = new List<Person>(seed.Citizens);
        for (var i = 0; i < seed.Citizens; i++)
        {
            var person = new Person { Female = random.Next(1000) < 515 };
            if (random.Next(1000) < 3)
            {
                person.Age = -1;
                person.BirthKey = NoDate;
            }
            else
            {
                var pick = random.NextDouble() * bandTotal;
                var band = 0;
                while (band < AgeBands.Length - 1 && pick >= AgeBands[band])
                {
                    pick -= AgeBands[band];
                    band++;
                }

                var birth = today.AddYears(-(band * 5) - random.Next(5)).AddDays(-random.Next(365));
                if (birth < FirstCalendarDay)
                {
                    birth = FirstCalendarDay.AddDays(random.Next(60));
                }

                person.Birth = birth;
                person.BirthKey = TempoKey(birth);
                person.Age = AgeOn(birth, today);
            }

            person.Team = random.Next(100) < 92 ? teams[random.Next(teams.Count)] : null;

            if (person.Adult)
            {
                var age = person.Age < 0 ? 50 : person.Age;
                var risk = age switch
                {
                    < 30 => 0.06,
                    < 40 => 0.14,
                    < 50 => 0.28,
                    < 60 => 0.45,
                    < 70 => 0.58,
                    _ => 0.66,
                };
                person.Hypertensive = random.NextDouble() < risk;
                person.Diabetic = random.NextDouble() < (person.Hypertensive ? 0.25 : 0.04) * (age >= 45 ? 1.4 : 0.8);
                if (person.Hypertensive)
                {
                    person.SelfReported = random.Next(100) < 75;
                    person.Diagnosed = random.Next(100) < 60;
                    if (!person.SelfReported && !person.Diagnosed)
                    {
                        person.SelfReported = true;
                    }
                }

                person.Height = Math.Round((decimal)Gaussian(random, person.Female ? 158 : 171, 7), 1);
                person.Weight = Math.Round((decimal)Gaussian(random, person.Female ? 68 : 78, 13), 1);
            }
            else
            {
                var age = Math.Max(person.Age, 0);
                person.Height = Math.Round(50m + (age * 6.5m) + (decimal)Gaussian(random, 0, 4), 1);
                person.Weight = Math.Round(3.5m + (age * 3.2m) + (decimal)Gaussian(random, 0, 2), 1);
            }

            person.Weight = Math.Max(person.Weight, 2.5m);
            people.Add(person);
        }

        return people;
    }

    private static List<CidadaoRow> BuildCidadaos(List<Person> people, List<MunicipioRow> municipios, long ownMunicipio, Random random)
    {
        var localDdd = Ddds[random.Next(Ddds.Length)];
        var rows = new List<CidadaoRow>(people.Count + (people.Count / 15));
        var duplicates = new List<(Person Person, CidadaoRow Original)>();

        string Phone()
        {
            var ddd = random.Next(100) < 92 ? localDdd : Ddds[random.Next(Ddds.Length)];
            var number = random.Next(10_000_000, 100_000_000);
            return random.Next(100) < 4
                ? string.Create(CultureInfo.InvariantCulture, $"({ddd}) 9{number / 10000:0000}-{number % 10000:0000}")
                : string.Create(CultureInfo.InvariantCulture, $"{ddd}9{number:00000000}");
        }

        for (var i = 0; i < people.Count; i++)
        {
            var person = people[i];
            person.Row = i + 1;
            var name = BrazilianNames.FullName(random, person.Female);
            if (random.Next(100) < 25)
            {
                name = name.ToUpperInvariant();
            }

            string? social = null;
            var socialRoll = random.Next(1000);
            if (socialRoll < 8)
            {
                social = BrazilianNames.GivenName(random, !person.Female);
            }
            else if (socialRoll < 12)
            {
                social = string.Empty;
            }

            var sexo = random.Next(1000) switch
            {
                < 4 => Sentinel,
                < 6 => SexoIndeterminado,
                _ => person.Female ? SexoFeminino : SexoMasculino,
            };
            var child = person.Age is >= 0 and < 12;
            var cpf = random.Next(100) < (child ? 45 : 18) ? null : BrazilianDocuments.Cpf(random);
            var cns = random.Next(100) < 9 ? null : BrazilianDocuments.Cns(random);
            var phone = random.Next(100) < 25 ? null : Phone();
            var deceased = random.Next(1000) < (person.Age >= 60 ? 30 : 3);
            var municipio = random.Next(1000) switch
            {
                < 10 => Sentinel,
                < 50 => municipios[1 + random.Next(municipios.Count - 1)].Id,
                _ => ownMunicipio,
            };

            person.Sexo = sexo;
            var row = new CidadaoRow(person.Row, name, social, person.BirthKey, sexo, cpf, cns, phone, deceased ? 1 : 0, municipio);
            rows.Add(row);
            if (random.Next(100) < 5)
            {
                duplicates.Add((person, row));
            }
        }

        // Duplicates are registered later (higher ids): same name and birth date, no CPF, often a
        // provisional CNS and a newer phone; the death is recorded on one row only.
        foreach (var (person, original) in duplicates)
        {
            person.DuplicateRow = rows.Count + 1;
            var name = random.Next(100) < 10 ? original.Name + " " : original.Name;
            var cns = random.Next(100) < 50 ? original.Cns : BrazilianDocuments.ProvisionalCns(random);
            var phone = random.Next(100) < 50 ? Phone() : null;
            rows.Add(original with
            {
                Id = person.DuplicateRow,
                Name = name,
                SocialName = null,
                Cpf = null,
                Cns = cns,
                Phone = phone,
                Faleceu = 0,
            });
        }

        return rows;
    }

    private static List<CadRow> BuildCadastros(PecSeed seed, List<Person> people, List<CodeRow> unidades, Random random)
    {
        var today = seed.Today;
        var pending = new List<(DateOnly Date, int Order, CadRow Row)>(people.Count + (people.Count / 4));
        var order = 0;

        void Add(Person? person, DateOnly date, int hip, int dia)
        {
            var team = person?.Team;
            var noTeam = team is null || random.Next(100) < 3;
            var equipe = noTeam ? Sentinel : team!.Id;
            var unidade = team is null ? (random.Next(2) == 0 ? Sentinel : unidades[1 + random.Next(unidades.Count - 1)].Id) : team.Unit;
            var profissional = team is null || random.Next(100) < 2 ? Sentinel : team.Acs[random.Next(team.Acs.Length)];
            var cbo = profissional == Sentinel ? Sentinel : CboAcs;
            long? cidadao = person?.PickRow(random);
            pending.Add((date, order++, new CadRow(0, cidadao, TempoKey(date), hip, dia, equipe, unidade, profissional, cbo, Uuid(random, unidades[(int)unidade - 1].Code))));
        }

        foreach (var person in people)
        {
            var hasCad = person.SelfReported || random.Next(100) < 85;
            if (!hasCad)
            {
                continue;
            }

            var latest = ClampAfterBirth(today.AddDays(-random.Next(1100)), person);
            if (random.Next(100) < 20)
            {
                var older = ClampAfterBirth(latest.AddDays(-365 - random.Next(1100)), person);
                var olderHip = person.SelfReported ? (random.Next(100) < 60 ? 1 : 0) : (person.Adult && random.Next(100) < 4 ? 1 : 0);
                Add(person, older, olderHip, person.Diabetic && random.Next(2) == 0 ? 1 : 0);
            }

            Add(person, latest, person.SelfReported ? 1 : 0, person.Diabetic && random.Next(100) < 80 ? 1 : 0);
        }

        // A few records not linked to any citizen (present in real installs).
        for (var i = 0; i < people.Count / 200; i++)
        {
            Add(null, today.AddDays(-random.Next(1100)), random.Next(100) < 30 ? 1 : 0, random.Next(100) < 10 ? 1 : 0);
        }

        pending.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : a.Order.CompareTo(b.Order));
        var rows = new List<CadRow>(pending.Count);
        foreach (var item in pending)
        {
            rows.Add(item.Row with { Id = rows.Count + 1 });
        }

        return rows;
    }

    private static List<AtdItem> BuildAtendimentos(
        PecSeed seed, List<Person> people, List<Team> teams, Team polyclinic, List<CodeRow> unidades, Random random)
    {
        var today = seed.Today;
        var pending = new List<AtdItem>(people.Count * 2);
        var order = 0;

        foreach (var person in people)
        {
            int count;
            if (person.Hypertensive)
            {
                count = random.Next(100) < 12 ? 0 : 1 + random.Next(7);
            }
            else if (person.Adult)
            {
                count = random.Next(100) switch { < 45 => 0, < 75 => 1, < 90 => 2, _ => 3 };
            }
            else
            {
                count = random.Next(3);
            }

            var diagnosisVisit = -1;
            if (person.Diagnosed)
            {
                if (count == 0)
                {
                    count = 1;
                }

                diagnosisVisit = random.Next(count);
            }

            var oldDiagnosis = person.Diagnosed && random.Next(100) < 45;
            for (var v = 0; v < count; v++)
            {
                var isDiagnosis = v == diagnosisVisit;
                var daysBack = isDiagnosis && oldDiagnosis ? 730 + random.Next(5 * 365) : random.Next(730);
                var date = ClampAfterBirth(today.AddDays(-daysBack), person);
                date = date.DayOfWeek switch
                {
                    DayOfWeek.Saturday => date.AddDays(-1),
                    DayOfWeek.Sunday => date.AddDays(-2),
                    _ => date,
                };
                var start = date.ToDateTime(new TimeOnly(7, 0)).AddMinutes(random.Next(600)).AddSeconds(random.Next(60));

                Team team;
                var roll = random.Next(100);
                if (person.Team is null || roll < 5)
                {
                    team = polyclinic;
                }
                else
                {
                    team = roll < 15 ? teams[random.Next(teams.Count)] : person.Team;
                }

                var doctor = random.Next(100) < 60;
                var profissional = doctor ? team.Doctors[random.Next(team.Doctors.Length)] : team.Nurses[random.Next(team.Nurses.Length)];
                var cbo = team == polyclinic
                    ? (doctor ? CboMedicoClinico : 7)
                    : (doctor ? CboMedicoEsf : CboEnfermeiroEsf);
                if (random.Next(100) < 1)
                {
                    profissional = Sentinel;
                    cbo = Sentinel;
                }

                int? sistolica = null;
                int? diastolica = null;
                var bpChance = person.Hypertensive ? 65 : person.Adult ? 30 : 2;
                if (random.Next(100) < bpChance)
                {
                    var s = (int)Math.Round(Gaussian(random, person.Hypertensive ? 140 : 120, person.Hypertensive ? 18 : 12));
                    s = Math.Clamp(s, 85, 230);
                    var d = (int)Math.Round(Gaussian(random, person.Hypertensive ? 88 : 78, 10));
                    d = Math.Clamp(d, 45, s - 20);
                    sistolica = s;
                    diastolica = random.Next(100) < 2 ? null : d;
                }

                decimal? peso = null;
                decimal? altura = null;
                if (random.Next(100) < 50)
                {
                    peso = Math.Max(2.5m, person.Weight + Math.Round((decimal)Gaussian(random, 0, 1.5), 1));
                }

                if (random.Next(100) < 30)
                {
                    altura = person.Height;
                }

                long cid1 = 0, ciap1 = 0, cid2 = 0, ciap2 = 0;
                if (person.Diagnosed && (isDiagnosis || random.Next(100) < 50))
                {
                    var kind = random.Next(100);
                    cid1 = kind < 80 ? Pick(random, HasCids) : Sentinel;
                    ciap1 = kind >= 40 ? Pick(random, HasCiaps) : Sentinel;
                    if (kind is >= 40 and < 80)
                    {
                        cid1 = Sentinel;
                    }
                }
                else if (person.Adult && !person.Hypertensive && random.Next(100) < 3)
                {
                    // Near misses: elevated pressure or hypotension, not hypertension.
                    if (random.Next(2) == 0)
                    {
                        cid1 = Pick(random, NearMissCids);
                        ciap1 = Sentinel;
                    }
                    else
                    {
                        cid1 = Sentinel;
                        ciap1 = NearMissCiap;
                    }
                }

                if (person.Diabetic && random.Next(100) < 40)
                {
                    (cid2, ciap2) = random.Next(2) == 0 ? (random.Next(4) == 0 ? 11L : 10L, Sentinel) : (Sentinel, 4L);
                }
                else if (random.Next(100) < 30)
                {
                    (cid2, ciap2) = random.Next(2) == 0 ? (Pick(random, OtherCids), Sentinel) : (Sentinel, Pick(random, OtherCiaps));
                }

                var unidade = team.Unit;
                var row = new AtdRow(0, person.PickRow(random), TempoKey(date), cbo, profissional, team.Id, unidade, start,
                    sistolica, diastolica, peso, altura, Uuid(random, unidades[(int)unidade - 1].Code));
                var item = new AtdItem { Start = start, Order = order++, Person = person, Row = row };
                if (cid1 != 0)
                {
                    item.Problems.Add((cid1, ciap1));
                }

                if (cid2 != 0)
                {
                    item.Problems.Add((cid2, ciap2));
                }

                pending.Add(item);
                person.Visits.Add(item);
            }
        }

        return pending;
    }

    private static List<VisitaRow> BuildVisitas(PecSeed seed, List<Person> people, List<CodeRow> unidades, Random random)
    {
        var today = seed.Today;
        var pending = new List<(DateOnly Date, int Order, VisitaRow Row)>(people.Count * 2);
        var order = 0;
        foreach (var person in people)
        {
            var team = person.Team;
            if (team is null)
            {
                continue;
            }

            var count = person.Hypertensive || person.Age >= 60 ? random.Next(7) : random.Next(3);
            for (var v = 0; v < count; v++)
            {
                var date = ClampAfterBirth(today.AddDays(-random.Next(730)), person);
                var profissional = random.Next(100) < 2 ? Sentinel : team.Acs[random.Next(team.Acs.Length)];
                var cbo = profissional == Sentinel ? Sentinel : CboAcs;
                long? cidadao = random.Next(100) < 1 ? null : person.PickRow(random);
                var row = new VisitaRow(0, cidadao, TempoKey(date), profissional, cbo, team.Id, team.Unit, Uuid(random, unidades[(int)team.Unit - 1].Code));
                pending.Add((date, order++, row));
            }
        }

        pending.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : a.Order.CompareTo(b.Order));
        var rows = new List<VisitaRow>(pending.Count);
        foreach (var item in pending)
        {
            rows.Add(item.Row with { Id = rows.Count + 1 });
        }

        return rows;
    }

    private static List<MigracaoRow> BuildMigracoes(PecSeed seed, Random random)
    {
        // Older versions first; "5.2.9" sorts after "5.2.38" as text, so readers must compare numerically.
        string[] versions = ["4.2.7", "5.0.8", "5.0.14", "5.1.12", "5.2.9", "5.2.28"];
        var all = versions.Where(v => v != seed.PecVersion).Append(seed.PecVersion).ToArray();
        var rows = new List<MigracaoRow>();
        var installed = seed.Today.AddDays(-(all.Length * 120) - 40).ToDateTime(new TimeOnly(9, 30));
        for (var v = 0; v < all.Length; v++)
        {
            var when = installed.AddDays(v * 120);
            var changes = 3 + random.Next(5);
            for (var c = 1; c <= changes; c++)
            {
                var md5 = new StringBuilder(34).Append("8:");
                for (var k = 0; k < 32; k++)
                {
                    md5.Append("0123456789abcdef"[random.Next(16)]);
                }

                rows.Add(new MigracaoRow(
                    string.Create(CultureInfo.InvariantCulture, $"{all[v]}-{c:000}"),
                    string.Create(CultureInfo.InvariantCulture, $"db/v{all[v]}/changelog-{c:000}.xml"),
                    when.AddSeconds(c * 3),
                    rows.Count + 1,
                    md5.ToString()));
            }
        }

        return rows;
    }

    private static List<ProcessamentoRow> BuildProcessamentos(DateOnly today)
    {
        var rows = new List<ProcessamentoRow>();
        for (var daysBack = 30; daysBack >= 1; daysBack--)
        {
            var end = today.AddDays(-daysBack).ToDateTime(new TimeOnly(2, 0));
            rows.Add(new ProcessamentoRow(rows.Count + 1, end.AddMinutes(-17 - (daysBack % 5)), end));
        }

        return rows;
    }

    private static DateOnly ClampAfterBirth(DateOnly date, Person person) =>
        person.Birth is { } birth && date < birth ? birth : date;

    private static int AgeOn(DateOnly birth, DateOnly day)
    {
        var age = day.Year - birth.Year;
        if (day.Month < birth.Month || (day.Month == birth.Month && day.Day < birth.Day))
        {
            age--;
        }

        return age;
    }

    private static long Pick(Random random, long[] items) => items[random.Next(items.Length)];

    private static double Gaussian(Random random, double mean, double deviation)
    {
        // Box–Muller; 1 - NextDouble() avoids log(0).
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return mean + (deviation * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    private static string Uuid(Random random, string cnes)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        var prefix = cnes == "-" ? "0000000" : cnes;
        return prefix + "-" + new Guid(bytes).ToString("D");
    }
}
