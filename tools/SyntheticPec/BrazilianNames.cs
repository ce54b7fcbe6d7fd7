using System.Text;

namespace SyntheticPec;

/// <summary>
/// Deterministic generator of Brazilian-looking person and place names, with the accents,
/// apostrophes and particles ("da", "dos", "D'Ávila") that real registries hold.
/// </summary>
public static class BrazilianNames
{
    private static readonly string[] FemaleFirst =
    [
        "Maria", "Ana", "Francisca", "Antônia", "Adriana", "Juliana", "Márcia", "Fernanda", "Patrícia",
        "Aline", "Sandra", "Camila", "Amanda", "Bruna", "Jéssica", "Letícia", "Júlia", "Luciana",
        "Vanessa", "Mariana", "Gabriela", "Vera", "Vitória", "Larissa", "Cláudia", "Beatriz", "Luana",
        "Rita", "Sônia", "Renata", "Eliane", "Josefa", "Raimunda", "Conceição", "Glória", "Lúcia",
        "Assunção", "Socorro", "Fátima", "Graça", "Inês", "Irene", "Terezinha", "Luzia", "Benedita",
        "Helena", "Alícia", "Lívia", "Cecília", "Valéria", "Débora", "Simone", "Tânia", "Rosângela",
        "Aparecida", "Edileuza", "Maísa", "Natália", "Priscila", "Sabrina", "Yasmin", "Emanuelly",
    ];

    private static readonly string[] MaleFirst =
    [
        "José", "João", "Antônio", "Francisco", "Carlos", "Paulo", "Pedro", "Lucas", "Luiz", "Marcos",
        "Luís", "Gabriel", "Rafael", "Daniel", "Marcelo", "Bruno", "Eduardo", "Felipe", "Raimundo",
        "Rodrigo", "Manoel", "Mateus", "André", "Fernando", "Fábio", "Leonardo", "Gustavo", "Guilherme",
        "Leandro", "Tiago", "Anderson", "Ricardo", "Márcio", "Jorge", "Sebastião", "Alexandre", "Roberto",
        "Edson", "Diego", "Vítor", "Sérgio", "Cícero", "Otávio", "Benedito", "Joaquim", "Inácio",
        "Valdir", "Severino", "Geraldo", "Nélson", "Rômulo", "Caíque", "Davi", "Heitor", "Enzo",
        "Arthur", "Miguel", "Bernardo", "Thiago", "Wellington", "Jônatas", "Zé Maria",
    ];

    private static readonly string[] Surnames =
    [
        "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima",
        "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes",
        "Vieira", "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade", "Moreira", "Nunes", "Marques",
        "Machado", "Mendes", "Freitas", "Cardoso", "Ramos", "Gonçalves", "Santana", "Teixeira",
        "Araújo", "Magalhães", "Conceição", "Assunção", "Brandão", "Falcão", "Guimarães", "Simões",
        "Estêvão", "Gusmão", "Lustosa", "Peçanha", "Barroso", "Mourão", "Cavalcânti", "Figueirêdo",
        "Aragão", "Bezerra", "Queiroz", "Patrício", "Damásio", "Loureiro", "Sampaio", "Veloso",
        "Brito", "Ávila", "Jesus", "Paixão", "Luz", "Prudêncio",
    ];

    // Multi-word or punctuated surnames; kept apart so that they appear at a controlled rate.
    private static readonly string[] OddSurnames =
    [
        "D'Ávila", "D'Almeida", "D'Assunção", "Dall'Agnol", "D'Ângelo", "Sant'Anna", "D'Oliveira",
        "de Sá", "Câmara Cascudo", "Castelo Branco",
    ];

    private static readonly string[] Devotional = ["Fátima", "Lourdes", "Jesus", "Nazaré", "Assunção", "Conceição"];

    private static readonly string[] PlaceWords =
    [
        "Centro", "Vila Nova", "São José", "Santa Luzia", "Boa Vista", "Bela Vista", "Jardim América",
        "Alto da Conceição", "Planalto", "Sítio Novo", "Piçarreira", "São João", "Nossa Senhora de Fátima",
        "Cohab", "Conjunto Esperança", "Lagoa Sêca", "Morro do Cruzeiro", "Aeroporto", "Parque Araçá",
        "Redenção", "Várzea Grande", "Capuã", "Açude Velho", "Três Marias", "Barra do Ceará", "Olho d'Água",
        "Mãe Luíza", "Serrinha", "Pau d'Arco", "Tabuleiro", "Chã de Jardim", "Brejo", "Vila São Luís",
        "Novo Horizonte", "Jardim Paraíso", "Pirajá", "Caiçara", "Parque São Sebastião",
    ];

    /// <summary>A full name: one or two given names, an optional particle and one or two surnames.</summary>
    public static string FullName(Random random, bool female)
    {
        ArgumentNullException.ThrowIfNull(random);
        var sb = new StringBuilder(48);
        var first = female ? FemaleFirst : MaleFirst;
        sb.Append(Pick(random, first));
        if (random.Next(100) < 35)
        {
            if (female && random.Next(100) < 40)
            {
                sb.Append(" de ").Append(Pick(random, Devotional));
            }
            else
            {
                sb.Append(' ').Append(Pick(random, first));
            }
        }

        var surnames = random.Next(100) < 65 ? 2 : 1;
        for (var i = 0; i < surnames; i++)
        {
            var surname = random.Next(100) < 4 ? Pick(random, OddSurnames) : Pick(random, Surnames);
            if (random.Next(100) < 30 && char.IsUpper(surname[0]) && !surname.Contains('\'', StringComparison.Ordinal))
            {
                sb.Append(' ').Append(Particle(surname));
            }

            sb.Append(' ').Append(surname);
        }

        if (!female && random.Next(100) < 3)
        {
            sb.Append(random.Next(2) == 0 ? " Júnior" : " Neto");
        }

        return sb.ToString();
    }

    /// <summary>A given name (used for social names).</summary>
    public static string GivenName(Random random, bool female)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Pick(random, female ? FemaleFirst : MaleFirst);
    }

    /// <summary>A neighbourhood or place name, sometimes with accents or an apostrophe.</summary>
    public static string PlaceName(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Pick(random, PlaceWords);
    }

    internal static IReadOnlyList<string> Places => PlaceWords;

    // "dos Santos", "da Silva", "de Araújo": the particle follows the surname's ending.
    private static string Particle(string surname) => surname[^1] switch
    {
        's' => "dos",
        'a' => "da",
        _ => "de",
    };

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];
}
