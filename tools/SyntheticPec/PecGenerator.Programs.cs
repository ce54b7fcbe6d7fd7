namespace SyntheticPec;

/// <summary>
/// The care programmes the other nominal lists read: diabetes (HbA1c requests), pregnancies (prenatal consultations,
/// births and abortions, dental visits, HIV and syphilis tests), cervical screening and child vaccination. Each part
/// draws from its own stream and never adds a consultation to a hypertensive person.
/// </summary>
internal static partial class PecGenerator
{
    private const long CboTecnicoEnfermagem = 5;
    private const long CboEnfermeiro = 7;
    private const long CboDentista = 8;

    // tb_dim_procedimento ids.
    private const long ProcHbA1c = 2;
    private const long ProcGlicemiaCapilar = 7;
    private const long ProcColetaCito = 8;
    private const long ProcCitoRastreamento = 9;
    private const long ProcCito = 10;
    private const long ProcHivGestante = 11;
    private const long ProcHivRapido = 12;
    private const long ProcHivElisa = 13;
    private const long ProcSifilisGestante = 14;
    private const long ProcSifilisRapido = 15;
    private const long ProcSifilisVdrl = 16;
    private const long ProcHepatiteC = 17;

    internal static readonly CodeRow[] ProcedimentoRows =
    [
        new(1, "-", "NÃO INFORMADO"),
        new(2, "0202010503", "DOSAGEM DE HEMOGLOBINA GLICOSILADA"),
        new(3, "0202010473", "DOSAGEM DE GLICOSE"),
        new(4, "0202010317", "DOSAGEM DE CREATININA"),
        new(5, "0202010295", "DOSAGEM DE COLESTEROL TOTAL"),
        new(6, "0202020380", "HEMOGRAMA COMPLETO"),
        new(7, "0214010015", "GLICEMIA CAPILAR"),
        new(8, "0201020033", "COLETA DE MATERIAL P/ EXAME CITOPATOLÓGICO DE COLO UTERINO"),
        new(9, "0203010086", "EXAME CITOPATOLÓGICO CERVICO-VAGINAL/MICROFLORA-RASTREAMENTO"),
        new(10, "0203010019", "EXAME CITOPATOLÓGICO CERVICO-VAGINAL/MICROFLORA"),
        new(11, "0214010040", "TESTE RÁPIDO PARA DETECÇÃO DE HIV NA GESTANTE OU PAI/PARCEIRO"),
        new(12, "0214010058", "TESTE RÁPIDO PARA DETECÇÃO DE INFECÇÃO PELO HIV"),
        new(13, "0202030300", "PESQUISA DE ANTICORPOS ANTI-HIV-1 + HIV-2 (ELISA)"),
        new(14, "0214010082", "TESTE RÁPIDO PARA SÍFILIS NA GESTANTE OU PAI/PARCEIRO"),
        new(15, "0214010074", "TESTE RÁPIDO PARA SÍFILIS"),
        new(16, "0202031110", "TESTE NÃO TREPONÊMICO P/ DETECÇÃO DE SÍFILIS"),
        new(17, "0214010090", "TESTE RÁPIDO PARA DETECÇÃO DE HEPATITE C"),
        new(18, "0301100039", "AFERIÇÃO DE PRESSÃO ARTERIAL"),
    ];

    internal static readonly ImunobiologicoRow[] ImunobiologicoRows =
    [
        new(1, "-", "-", "NÃO INFORMADO"),
        new(2, "15", "BCG", "Vacina BCG"),
        new(3, "09", "HB", "Vacina hepatite B (recombinante)"),
        new(4, "42", "Penta", "Vacina adsorvida difteria, tétano, pertussis, hepatite B (recombinante) e Haemophilus influenzae b (conjugada)"),
        new(5, "22", "VIP", "Vacina poliomielite 1, 2 e 3 (inativada)"),
        new(6, "17", "VRH", "Vacina rotavírus humano G1P1 [8] (atenuada)"),
        new(7, "26", "Pneumo 10V", "Vacina pneumocócica 10-valente (conjugada)"),
        new(8, "27", "Meningo C", "Vacina meningocócica C (conjugada)"),
        new(9, "06", "FA", "Vacina febre amarela (atenuada)"),
        new(10, "24", "SCR", "Vacina sarampo, caxumba, rubéola"),
        new(11, "88", "HA", "Vacina hepatite A (inativada)"),
        new(12, "46", "DTP", "Vacina adsorvida difteria, tétano e pertussis"),
        new(13, "33", "INF", "Vacina influenza"),
    ];

    internal static readonly CodeRow[] DoseRows =
    [
        new(1, "-", "NÃO INFORMADO"), new(2, "DU", "DOSE ÚNICA"), new(3, "D1", "1ª DOSE"), new(4, "D2", "2ª DOSE"),
        new(5, "D3", "3ª DOSE"), new(6, "REF", "REFORÇO"), new(7, "R1", "1º REFORÇO"), new(8, "D", "DOSE"),
    ];

    // The national calendar up to 15 months: (age in days, imunobiologico, dose).
    private static readonly (int Due, long Imuno, long Dose)[] Calendar =
    [
        (0, 2, 2), (0, 3, 8),
        (60, 4, 3), (60, 5, 3), (60, 6, 3), (60, 7, 3),
        (90, 8, 3),
        (120, 4, 4), (120, 5, 4), (120, 6, 4), (120, 7, 4),
        (150, 8, 4),
        (180, 4, 5), (180, 5, 5),
        (270, 9, 8),
        (365, 7, 6), (365, 8, 6), (365, 10, 3),
        (450, 11, 2), (450, 12, 7),
    ];

    private sealed class AtdItem
    {
        public required DateTime Start { get; init; }
        public required int Order { get; init; }
        public required Person Person { get; init; }
        public required AtdRow Row { get; init; }
        public List<(long Cid, long Ciap)> Problems { get; } = [];
        public List<(long Avaliado, long Solicitado)> Procedures { get; } = [];
        public DateOnly Date => DateOnly.FromDateTime(Start);
    }

    /// <summary>Facts added after the consultations of <see cref="BuildAtendimentos"/>, numbered in time order at the end.</summary>
    private sealed class ExtraFacts(List<AtdItem> items, List<CodeRow> unidades)
    {
        private readonly List<(DateOnly Date, int Order, ProcedRow Row)> _proced = [];
        private readonly List<(DateTime Start, int Order, OdontoRow Row)> _odonto = [];
        private readonly List<(DateOnly Date, int Order, VacinacaoRow Row, List<(long Imuno, long Dose)> Doses)> _vacinacoes = [];
        private int _order = items.Count;

        public List<AtdItem> Items => items;
        public int Pregnancies { get; set; }
        public int PrenatalConsultations { get; set; }
        public int Births { get; set; }
        public int Abortions { get; set; }

        public string Uuid(Random random, long unidade) => PecGenerator.Uuid(random, unidades[(int)unidade - 1].Code);

        public AtdItem AddAtendimento(Person person, AtdRow row)
        {
            var item = new AtdItem { Start = row.Start, Order = _order++, Person = person, Row = row };
            items.Add(item);
            return item;
        }

        public void AddProced(DateOnly date, ProcedRow row) => _proced.Add((date, _order++, row));

        public void AddOdonto(OdontoRow row) => _odonto.Add((row.Start, _order++, row));

        public void AddVacinacao(DateOnly date, VacinacaoRow row, List<(long Imuno, long Dose)> doses) => _vacinacoes.Add((date, _order++, row, doses));

        public (List<AtdRow> Atendimentos, List<ProblemaRow> Problemas, List<AtdProcRow> Procedimentos) NumberAtendimentos()
        {
            items.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Order.CompareTo(b.Order));
            var atendimentos = new List<AtdRow>(items.Count);
            var problemas = new List<ProblemaRow>(items.Count / 2);
            var procedimentos = new List<AtdProcRow>(items.Count / 3);
            foreach (var item in items)
            {
                var id = atendimentos.Count + 1L;
                atendimentos.Add(item.Row with { Id = id });
                foreach (var (cid, ciap) in item.Problems)
                {
                    problemas.Add(new ProblemaRow(problemas.Count + 1, id, cid, ciap));
                }

                foreach (var (avaliado, solicitado) in item.Procedures)
                {
                    procedimentos.Add(new AtdProcRow(procedimentos.Count + 1, id, avaliado, solicitado));
                }
            }

            return (atendimentos, problemas, procedimentos);
        }

        public List<ProcedRow> NumberProced()
        {
            _proced.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : a.Order.CompareTo(b.Order));
            return [.. _proced.Select((p, i) => p.Row with { Id = i + 1 })];
        }

        public List<OdontoRow> NumberOdonto()
        {
            _odonto.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Order.CompareTo(b.Order));
            return [.. _odonto.Select((p, i) => p.Row with { Id = i + 1 })];
        }

        public (List<VacinacaoRow> Vacinacoes, List<VacinaRow> Vacinas) NumberVacinacoes()
        {
            _vacinacoes.Sort((a, b) => a.Date != b.Date ? a.Date.CompareTo(b.Date) : a.Order.CompareTo(b.Order));
            var fichas = new List<VacinacaoRow>(_vacinacoes.Count);
            var vacinas = new List<VacinaRow>(_vacinacoes.Count * 3);
            foreach (var (date, _, row, doses) in _vacinacoes)
            {
                var id = fichas.Count + 1L;
                fichas.Add(row with { Id = id });
                foreach (var (imuno, dose) in doses)
                {
                    vacinas.Add(new VacinaRow(vacinas.Count + 1, id, row.Cidadao, row.Tempo, imuno, dose));
                }
            }

            return (fichas, vacinas);
        }
    }

    private static void AddDentists(List<Team> teams, Team polyclinic, List<ProfissionalRow> profissionais, Random random)
    {
        // One dentist per team, appended after every other professional (ids of the others do not move).
        foreach (var team in teams.Append(polyclinic))
        {
            var id = profissionais.Count + 1L;
            profissionais.Add(new ProfissionalRow(id, BrazilianDocuments.DefinitiveCns(random), BrazilianNames.FullName(random, female: random.Next(100) < 60), CboDentista));
            team.Dentist = id;
        }
    }

    private static DateOnly Weekday(DateOnly date) => date.DayOfWeek switch
    {
        DayOfWeek.Saturday => date.AddDays(-1),
        DayOfWeek.Sunday => date.AddDays(-2),
        _ => date,
    };

    private static DateTime During(DateOnly date, Random random) =>
        date.ToDateTime(new TimeOnly(7, 0)).AddMinutes(random.Next(600)).AddSeconds(random.Next(60));

    private static (long Profissional, long Cbo) Carer(Team team, Team polyclinic, Random random, int doctorShare)
    {
        if (random.Next(100) < 1)
        {
            return (Sentinel, Sentinel);
        }

        return random.Next(100) < doctorShare
            ? (team.Doctors[random.Next(team.Doctors.Length)], team == polyclinic ? CboMedicoClinico : CboMedicoEsf)
            : (team.Nurses[random.Next(team.Nurses.Length)], team == polyclinic ? CboEnfermeiro : CboEnfermeiroEsf);
    }

    private static void AddDiabetesCare(List<AtdItem> items, ExtraFacts extra, Random random)
    {
        var count = items.Count;
        for (var i = 0; i < count; i++)
        {
            var item = items[i];
            var person = item.Person;
            for (var p = 0; p < item.Problems.Count; p++)
            {
                var (cid, ciap) = item.Problems[p];
                if (cid == 10 && random.Next(100) < 15)
                {
                    item.Problems[p] = (random.Next(3) == 0 ? 23 : 22, ciap); // E112 / E149
                }
                else if (ciap == 4 && random.Next(100) < 20)
                {
                    item.Problems[p] = (cid, 5); // T89
                }
            }

            if (person.Adult && !person.Diabetic && random.Next(1000) < 15)
            {
                // Near misses: hyperglycaemia, hypoglycaemia; not diabetes.
                item.Problems.Add(random.Next(3) switch { 0 => (24L, Sentinel), 1 => (25L, Sentinel), _ => (Sentinel, 28L) });
            }

            if (person.Diabetic)
            {
                if (random.Next(100) < 35)
                {
                    item.Procedures.Add((Sentinel, ProcHbA1c));
                }

                if (random.Next(100) < 20)
                {
                    item.Procedures.Add((ProcHbA1c, Sentinel));
                }

                if (random.Next(100) < 30)
                {
                    var row = item.Row;
                    extra.AddProced(item.Date, new ProcedRow(0, row.Cidadao, row.Tempo, ProcGlicemiaCapilar, row.Profissional, row.Cbo, row.Equipe, row.Unidade, extra.Uuid(random, row.Unidade)));
                }
            }
            else if (person.Adult && random.Next(100) < 2)
            {
                item.Procedures.Add((Sentinel, ProcHbA1c)); // screening request of someone without diabetes
            }

            if (person.Adult && random.Next(100) < 25)
            {
                item.Procedures.Add((Sentinel, 3 + random.Next(4)));
            }
        }
    }

    private static void AddPregnancies(PecSeed seed, List<Person> people, List<Team> teams, ExtraFacts extra, Random random)
    {
        var today = seed.Today;
        var men = people.Where(p => !p.Female && p.Age >= 18).ToList();
        var originalItems = extra.Items.Count;

        void AddTests(Person person, Team team, DateOnly date)
        {
            var (hiv, sifilis) = random.Next(100) switch
            {
                < 60 => (ProcHivGestante, ProcSifilisGestante),
                < 85 => (ProcHivRapido, ProcSifilisRapido),
                _ => (ProcHivElisa, ProcSifilisVdrl),
            };
            var nurse = random.Next(100) < 2 ? Sentinel : team.Nurses[0];
            var cbo = nurse == Sentinel ? Sentinel : CboEnfermeiroEsf;
            var cidadao = person.PickRow(random);
            extra.AddProced(date, new ProcedRow(0, cidadao, TempoKey(date), hiv, nurse, cbo, team.Id, team.Unit, extra.Uuid(random, team.Unit)));
            if (random.Next(100) < 95)
            {
                extra.AddProced(date, new ProcedRow(0, cidadao, TempoKey(date), sifilis, nurse, cbo, team.Id, team.Unit, extra.Uuid(random, team.Unit)));
            }
        }

        foreach (var person in people)
        {
            if (!person.Female || person.Hypertensive || person.Birth is not { } birth || person.Age is < 13 or > 47)
            {
                continue;
            }

            var roll = random.Next(1000);
            var dum = today.AddDays(-42 - random.Next(660));
            if (roll >= 120 || AgeOn(birth, dum) is < 14 or > 44)
            {
                continue;
            }

            person.Pregnant = true;
            var team = person.Team ?? teams[random.Next(teams.Count)];
            var kind = random.Next(100); // < 10 abortion, < 93 birth, else lost to follow-up (no outcome recorded)
            var end = kind < 10 ? dum.AddDays(49 + random.Next(92)) : dum.AddDays(259 + random.Next(36));
            var lastVisit = kind >= 93 ? dum.AddDays(84 + random.Next(100)) : end.AddDays(-1);
            if (lastVisit > today)
            {
                lastVisit = today;
            }

            var visits = new List<DateOnly>();
            for (var d = dum.AddDays(42 + random.Next(70)); d <= lastVisit; d = d.AddDays(21 + random.Next(22)))
            {
                visits.Add(Weekday(d));
            }

            if (visits.Count > 0)
            {
                extra.Pregnancies++;
            }

            foreach (var date in visits)
            {
                var start = During(date, random);
                var (profissional, cbo) = random.Next(100) < 1 ? (Sentinel, Sentinel)
                    : random.Next(100) < 40 ? (team.Doctors[0], CboMedicoEsf) : (team.Nurses[0], CboEnfermeiroEsf);
                var dumRecorded = random.Next(100) < 88;
                var dumValue = random.Next(100) < 10 ? dum.AddDays(random.Next(15) - 7) : dum; // re-estimated by ultrasound
                int? weeks = dumRecorded ? (date.DayNumber - dumValue.DayNumber) / 7
                    : random.Next(2) == 0 ? (date.DayNumber - dum.DayNumber) / 7 : null;
                int? sistolica = null;
                int? diastolica = null;
                if (random.Next(100) < 90)
                {
                    sistolica = Math.Clamp((int)Math.Round(Gaussian(random, 112, 11)), 85, 175);
                    diastolica = Math.Clamp((int)Math.Round(Gaussian(random, 72, 8)), 45, sistolica.Value - 20);
                }

                decimal? peso = random.Next(100) < 85
                    ? Math.Max(35m, person.Weight + Math.Round(((date.DayNumber - dum.DayNumber) / 7m * 0.3m) + (decimal)Gaussian(random, 0, 1), 1))
                    : null;
                var row = new AtdRow(0, person.PickRow(random), TempoKey(date), cbo, profissional, team.Id, team.Unit, start,
                    sistolica, diastolica, peso, null, extra.Uuid(random, team.Unit), dumRecorded ? TempoKey(dumValue) : NoDate, weeks);
                var item = extra.AddAtendimento(person, row);
                item.Problems.Add(random.Next(100) switch
                {
                    < 50 => (Sentinel, 16L), // W78
                    < 62 => (28L, Sentinel), // Z340
                    < 70 => (29L, Sentinel), // Z348
                    < 75 => (30L, Sentinel), // Z349
                    < 80 => (31L, 20L), // Z359 + W84 in one row
                    < 86 => (Sentinel, 20L), // W84
                    < 90 => (26L, Sentinel), // Z321
                    < 92 => (27L, Sentinel), // Z33
                    _ => (Sentinel, 13L + random.Next(6) switch { 0 => 0L, 1 => 1L, 2 => 2L, 3 => 4L, 4 => 6L, _ => 8L }), // W03 W05 W71 W79 W81 W85
                });
                if (random.Next(100) < 20)
                {
                    item.Problems.Add(random.Next(6) switch
                    {
                        0 => (33L, Sentinel), // O13
                        1 => (34L, Sentinel), // O219
                        2 => (35L, Sentinel), // O234
                        3 => (36L, 21L), // O244 + W85
                        4 => (32L, Sentinel), // Z369
                        _ => (Sentinel, 18L), // W80 (ectopic, suspected)
                    });
                }

                extra.PrenatalConsultations++;
            }

            if (kind < 93 && end <= today)
            {
                var start = end.ToDateTime(new TimeOnly(8, 0)).AddMinutes(random.Next(540));
                var dumRecorded = random.Next(2) == 0;
                var row = new AtdRow(0, person.PickRow(random), TempoKey(end), CboMedicoEsf, team.Doctors[0], team.Id, team.Unit, start,
                    null, null, null, null, extra.Uuid(random, team.Unit), dumRecorded ? TempoKey(dum) : NoDate,
                    dumRecorded ? (end.DayNumber - dum.DayNumber) / 7 : null);
                var item = extra.AddAtendimento(person, row);
                if (kind < 10)
                {
                    item.Problems.Add(random.Next(100) switch { < 50 => (Sentinel, 24L), < 85 => (39L, Sentinel), _ => (40L, 25L) });
                    extra.Abortions++;
                }
                else
                {
                    item.Problems.Add(random.Next(100) switch { < 50 => (Sentinel, 22L), < 75 => (37L, Sentinel), < 90 => (38L, Sentinel), _ => (37L, 23L) });
                    extra.Births++;
                    var postpartum = Weekday(end.AddDays(7 + random.Next(35)));
                    if (random.Next(100) < 40 && postpartum <= today)
                    {
                        // Near miss: a postpartum consultation is not a pregnancy event.
                        var after = new AtdRow(0, person.PickRow(random), TempoKey(postpartum), CboEnfermeiroEsf, team.Nurses[0], team.Id, team.Unit,
                            During(postpartum, random), null, null, null, null, extra.Uuid(random, team.Unit));
                        extra.AddAtendimento(person, after).Problems.Add(random.Next(2) == 0 ? (42L, Sentinel) : (Sentinel, 27L));
                    }
                }
            }

            if (visits.Count > 0)
            {
                if (random.Next(100) < 80)
                {
                    AddTests(person, team, visits[0]);
                    if (random.Next(100) < 20 && men.Count > 0)
                    {
                        // The partner's tests use the same "gestante ou pai/parceiro" codes: not a pregnancy event.
                        AddTests(men[random.Next(men.Count)], team, visits[0]);
                    }
                }

                var third = visits.FindIndex(v => v.DayNumber - dum.DayNumber >= 196);
                if (third >= 0 && random.Next(100) < 50)
                {
                    AddTests(person, team, visits[third]);
                }

                if (random.Next(100) < 55)
                {
                    var dentalVisits = 1 + random.Next(2);
                    for (var v = 0; v < dentalVisits; v++)
                    {
                        var date = visits[random.Next(visits.Count)].AddDays(random.Next(10));
                        date = Weekday(date > today ? today : date);
                        var dentist = random.Next(100) < 2 ? Sentinel : team.Dentist;
                        extra.AddOdonto(new OdontoRow(0, person.PickRow(random), TempoKey(date), dentist, dentist == Sentinel ? Sentinel : CboDentista,
                            team.Id, team.Unit, During(date, random), random.Next(100) < 90 ? 1 : 0, extra.Uuid(random, team.Unit)));
                    }
                }
            }
        }

        // Near misses: contraception on consultations of women who were not pregnant.
        for (var i = 0; i < originalItems; i++)
        {
            var item = extra.Items[i];
            var person = item.Person;
            if (person.Female && !person.Pregnant && person.Age is >= 15 and <= 49 && random.Next(100) < 3)
            {
                item.Problems.Add(random.Next(2) == 0 ? (41L, Sentinel) : (Sentinel, 26L));
            }
        }
    }

    private static void AddCervicalScreening(PecSeed seed, List<Person> people, Team polyclinic, ExtraFacts extra, Random random)
    {
        var today = seed.Today;
        foreach (var person in people)
        {
            if (!person.Female || person.Birth is not { } birth || person.Age is < 20 or > 70)
            {
                continue;
            }

            var team = person.Team ?? polyclinic;
            var roll = random.Next(100); // < 22 never screened, < 75 up to date (within 36 months), else overdue
            if (roll >= 22)
            {
                var last = roll < 75 ? today.AddDays(-random.Next(1095)) : today.AddDays(-1096 - random.Next(1100));
                var exams = new List<DateOnly> { last };
                if (random.Next(100) < 45)
                {
                    exams.Add(last.AddDays(-1000 - random.Next(200)));
                }

                foreach (var exam in exams)
                {
                    var date = Weekday(exam);
                    if (date < birth.AddYears(18))
                    {
                        continue;
                    }

                    var code = random.Next(100) switch { < 70 => ProcColetaCito, < 90 => ProcCitoRastreamento, _ => ProcCito };
                    var (profissional, cbo) = Carer(team, polyclinic, random, doctorShare: 15);
                    extra.AddProced(date, new ProcedRow(0, person.PickRow(random), TempoKey(date), code, profissional, cbo, team.Id, team.Unit, extra.Uuid(random, team.Unit)));
                    person.CitoExams++;
                    if (random.Next(100) < 35)
                    {
                        // The result evaluated in a later consultation (only when she had one 15-120 days later).
                        var later = person.Visits.Find(v => v.Date > date.AddDays(14) && v.Date <= date.AddDays(120));
                        later?.Procedures.Add((code == ProcColetaCito ? ProcCitoRastreamento : code, Sentinel));
                    }
                }
            }

            if (roll is < 22 or >= 75 && person.Visits.Count > 0 && random.Next(100) < 10)
            {
                // Near miss: requested, never done.
                person.Visits[random.Next(person.Visits.Count)].Procedures.Add((Sentinel, ProcCitoRastreamento));
            }

            if (random.Next(100) < 3)
            {
                // Near miss: a hepatitis C rapid test is no cytology.
                var date = Weekday(today.AddDays(-random.Next(700)));
                var (profissional, cbo) = Carer(team, polyclinic, random, doctorShare: 0);
                extra.AddProced(date, new ProcedRow(0, person.PickRow(random), TempoKey(date), ProcHepatiteC, profissional, cbo, team.Id, team.Unit, extra.Uuid(random, team.Unit)));
            }
        }

        // Rapid tests outside pregnancy (HIV/syphilis screening of anyone): not gestantes events.
        foreach (var person in people)
        {
            if (person.Adult && !person.Pregnant && random.Next(100) < 3)
            {
                var team = person.Team ?? polyclinic;
                var date = Weekday(today.AddDays(-random.Next(700)));
                var (profissional, cbo) = Carer(team, polyclinic, random, doctorShare: 0);
                var code = random.Next(2) == 0 ? ProcHivRapido : ProcSifilisRapido;
                extra.AddProced(date, new ProcedRow(0, person.PickRow(random), TempoKey(ClampAfterBirth(date, person)), code, profissional, cbo, team.Id, team.Unit, extra.Uuid(random, team.Unit)));
            }
        }
    }

    private static void AddVaccinations(PecSeed seed, List<Person> people, List<Team> teams, ExtraFacts extra, Random random)
    {
        var today = seed.Today;
        bool Listed(Person p) => p.Birth is { } b && MonthsOn(b, today) <= 16;
        var last = people.FindLastIndex(Listed);
        var secondLast = last > 0 ? people.FindLastIndex(last - 1, Listed) : -1;
        bool sawNoDose = false, sawDuplicate = false;
        for (var index = 0; index < people.Count; index++)
        {
            var person = people[index];
            if (person.Birth is not { } birth)
            {
                continue;
            }

            // Tests rely on the list showing both a child without a dose and a dose typed twice: when chance has not
            // produced them among children up to 16 months by the last two such children, those two get them.
            var listed = Listed(person);
            var forceNoDose = index == last && !sawNoDose;
            var forceDuplicate = (index == last || index == secondLast) && !sawDuplicate && !forceNoDose;
            var team = person.Team ?? teams[random.Next(teams.Count)];
            (long Profissional, long Cbo) Vaccinator() => random.Next(100) switch
            {
                < 2 => (Sentinel, Sentinel),
                < 72 => (team.Nurses[0] + 1, CboTecnicoEnfermagem), // the team's nursing technician follows its nurse
                _ => (team.Nurses[0], CboEnfermeiroEsf),
            };

            var ageDays = today.DayNumber - birth.DayNumber;
            if (ageDays > 3 * 365)
            {
                if (person.Adult && random.Next(100) < 2)
                {
                    var date = Weekday(today.AddDays(-random.Next(365)));
                    var (p, c) = Vaccinator();
                    extra.AddVacinacao(date, new VacinacaoRow(0, person.PickRow(random), TempoKey(date), p, c, team.Id, team.Unit, extra.Uuid(random, team.Unit)), [(13, 8)]);
                    person.Doses++;
                }

                continue;
            }

            if (random.Next(100) < 5 || forceNoDose)
            {
                sawNoDose |= listed;
                continue; // never vaccinated (refusal, moved in from elsewhere)
            }

            var late = random.Next(100) < 20;
            var byDate = new SortedDictionary<DateOnly, List<(long Imuno, long Dose)>>();
            foreach (var (due, imuno, dose) in Calendar)
            {
                if (random.Next(100) >= 92)
                {
                    continue;
                }

                var date = due == 0 ? birth.AddDays(random.Next(4)) : Weekday(birth.AddDays(due + (late ? 30 + random.Next(90) : random.Next(21))));
                if (date > today)
                {
                    continue;
                }

                if (!byDate.TryGetValue(date, out var doses))
                {
                    byDate[date] = doses = [];
                }

                doses.Add((imuno, dose));
            }

            if (byDate.Count > 0 && (random.Next(100) < 4 || forceDuplicate))
            {
                // The same dose typed twice in one record.
                var doses = byDate.ElementAt(random.Next(byDate.Count)).Value;
                doses.Add(doses[random.Next(doses.Count)]);
                sawDuplicate |= listed;
            }

            sawNoDose |= listed && byDate.Count == 0;

            foreach (var (date, doses) in byDate)
            {
                var (p, c) = Vaccinator();
                extra.AddVacinacao(date, new VacinacaoRow(0, person.PickRow(random), TempoKey(date), p, c, team.Id, team.Unit, extra.Uuid(random, team.Unit)), doses);
                person.Doses += doses.Count;
            }
        }
    }

    private static void AddDentalVisits(PecSeed seed, List<Person> people, Team polyclinic, ExtraFacts extra, Random random)
    {
        var today = seed.Today;
        foreach (var person in people)
        {
            if (person.Age is >= 0 and < 2 || random.Next(100) >= (person.Adult ? 6 : 4))
            {
                continue;
            }

            var team = person.Team ?? polyclinic;
            var count = 1 + random.Next(2);
            for (var v = 0; v < count; v++)
            {
                var date = Weekday(ClampAfterBirth(today.AddDays(-random.Next(730)), person));
                var dentist = random.Next(100) < 2 ? Sentinel : team.Dentist;
                extra.AddOdonto(new OdontoRow(0, person.PickRow(random), TempoKey(date), dentist, dentist == Sentinel ? Sentinel : CboDentista,
                    team.Id, team.Unit, During(date, random), 0, extra.Uuid(random, team.Unit)));
            }
        }
    }

    private static int MonthsOn(DateOnly birth, DateOnly day) =>
        ((day.Year - birth.Year) * 12) + day.Month - birth.Month - (day.Day < birth.Day ? 1 : 0);

    private static PecSummary Summarize(DateOnly today, List<Person> people, ExtraFacts extra)
    {
        int women = 0, neverScreened = 0, children = 0, withoutDose = 0;
        foreach (var person in people)
        {
            if (person.Birth is not { } birth)
            {
                continue;
            }

            if (person.Sexo == SexoFeminino && AgeOn(birth, today) is >= 25 and <= 64)
            {
                women++;
                neverScreened += person.CitoExams == 0 ? 1 : 0;
            }

            if (MonthsOn(birth, today) <= 16)
            {
                children++;
                withoutDose += person.Doses == 0 ? 1 : 0;
            }
        }

        return new PecSummary(women, neverScreened, children, withoutDose, extra.Pregnancies, extra.PrenatalConsultations, extra.Births, extra.Abortions);
    }
}
