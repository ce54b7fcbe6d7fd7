using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Repository.Tests.Preflight;

/// <summary>One resource of a compiled ARM template with every expression the pre-flight can evaluate replaced by its
/// value: <see cref="Path"/> names the nested deployments (Bicep modules) it sits in.</summary>
public sealed record DeployedResource(string Path, string Type, string ApiVersion, JsonObject Body)
{
    public string Name => ArmEvaluator.Describe(Body["name"]);

    // Parts only Azure knows (uniqueString(), reference()) shown as ⟨?⟩ to keep findings short.
    public override string ToString() => $"{Path}{Type} '{ArmEvaluator.Compact(Name)}'";
}

/// <summary>
/// Evaluates what can be known of a compiled ARM template before deploying it (what `bicep build` emits): parameters
/// (the parameters file's values, else the defaults), variables, module parameters, copy loops and the pure template
/// functions. Whatever needs Azure (reference(), resourceGroup(), uniqueString(), …) stays an <em>unresolved</em>
/// marker; a check that meets one fails and says so, so a constraint is never skipped because a value moved behind an
/// expression.
/// </summary>
public static class ArmEvaluator
{
    private const string UnresolvedPrefix = "\u27e8unresolved: ";

    public static bool IsUnresolved(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var s) && s.Contains(UnresolvedPrefix, StringComparison.Ordinal);

    public static string Compact(string text) => System.Text.RegularExpressions.Regex.Replace(text, "\u27e8unresolved: [^\u27e9]*\u27e9", "\u27e8?\u27e9");

    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    /// <summary>Every resource of the template and of its nested deployments, evaluated with the given top-level parameter values.</summary>
    public static IReadOnlyList<DeployedResource> Resources(JsonObject template, IReadOnlyDictionary<string, JsonNode?> parameterValues)
    {
        var found = new List<DeployedResource>();
        Walk(template, new Scope(template, parameterValues, copyIndex: null), string.Empty, found);
        return found;
    }

    /// <summary>The top-level parameters' values a deployment would get: the parameters file's, else the defaults (unevaluated).</summary>
    public static Dictionary<string, JsonNode?> ParameterValues(JsonObject template, JsonObject? parametersFile)
    {
        var values = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
        if (parametersFile.At("parameters") is JsonObject given)
        {
            foreach (var (name, p) in given)
            {
                if (p is JsonObject o && o.ContainsKey("value"))
                {
                    values[name] = o["value"]?.DeepClone();
                }
            }
        }

        return values;
    }

    private static void Walk(JsonObject template, Scope scope, string path, List<DeployedResource> found)
    {
        IEnumerable<JsonNode?> resources = template["resources"] switch
        {
            JsonArray a => a,
            JsonObject o => o.Select(kv => kv.Value), // languageVersion 2.0: symbolic names
            _ => [],
        };
        foreach (var raw in resources.OfType<JsonObject>())
        {
            if (raw["copy"] is JsonObject copy)
            {
                var count = scope.Evaluate(copy["count"]);
                if (IsUnresolved(count) || count is not JsonValue cv || !cv.TryGetValue<int>(out var n) || n > 10_000)
                {
                    found.Add(new DeployedResource(path, Describe(raw["type"]), Describe(raw["apiVersion"]), Unresolvable(raw, $"copy count {Describe(count)}")));
                    continue;
                }

                for (var i = 0; i < n; i++)
                {
                    Visit(raw, scope.WithCopyIndex(i), path, found);
                }
            }
            else
            {
                Visit(raw, scope, path, found);
            }
        }
    }

    private static void Visit(JsonObject raw, Scope scope, string path, List<DeployedResource> found)
    {
        if (raw.ContainsKey("condition") && scope.Evaluate(raw["condition"]) is JsonValue c && c.TryGetValue<bool>(out var on) && !on)
        {
            return;
        }

        var type = Describe(raw["type"]);
        var apiVersion = Describe(raw["apiVersion"]);
        var nested = raw["properties"].At("template") as JsonObject;
        var body = new JsonObject();
        foreach (var (key, value) in raw)
        {
            if (key is "copy" or "condition")
            {
                continue;
            }

            body[key] = key == "properties" && nested is not null
                ? EvaluateDeploymentProperties((JsonObject)value!, scope)
                : scope.Evaluate(value);
        }

        found.Add(new DeployedResource(path, type, apiVersion, body));
        if (nested is not null)
        {
            var given = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
            if (body["properties"].At("parameters") is JsonObject parameters)
            {
                foreach (var (name, p) in parameters)
                {
                    given[name] = p.At("value")?.DeepClone();
                }
            }

            Walk(nested, new Scope(nested, given, copyIndex: null), $"{path}{Describe(body["name"])}/", found);
        }
    }

    // A nested deployment's template is evaluated in its own scope (Bicep modules use expressionEvaluationOptions inner).
    private static JsonObject EvaluateDeploymentProperties(JsonObject properties, Scope scope)
    {
        var result = new JsonObject();
        foreach (var (key, value) in properties)
        {
            result[key] = key == "template" ? new JsonObject() : scope.Evaluate(value);
        }

        return result;
    }

    private static JsonObject Unresolvable(JsonObject raw, string why) => new()
    {
        ["type"] = raw["type"]?.DeepClone(),
        ["name"] = Unresolved(why),
    };

    private static JsonValue Unresolved(string expression) => JsonValue.Create($"{UnresolvedPrefix}{expression}\u27e9");

    private sealed class Scope
    {
        private readonly JsonObject _template;
        private readonly IReadOnlyDictionary<string, JsonNode?> _given;
        private readonly int? _copyIndex;
        private readonly Dictionary<string, JsonNode?> _parameters = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, JsonNode?> _variables = new(StringComparer.OrdinalIgnoreCase);

        public Scope(JsonObject template, IReadOnlyDictionary<string, JsonNode?> given, int? copyIndex)
        {
            _template = template;
            _given = given;
            _copyIndex = copyIndex;
        }

        public Scope WithCopyIndex(int index) => new(_template, _given, index);

        public JsonNode? Evaluate(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, Evaluate(kv.Value)))),
            JsonArray a => new JsonArray([.. a.Select(Evaluate)]),
            JsonValue v when v.TryGetValue<string>(out var s) && IsExpression(s) => Normalize(EvaluateExpression(s[1..^1])),
            JsonValue v when v.TryGetValue<string>(out var s) && s.StartsWith("[[", StringComparison.Ordinal) => JsonValue.Create(s[1..]),
            _ => node?.DeepClone(),
        };

        // Computed values become plain JSON again, so every reader sees numbers and strings the same way.
        private static JsonNode? Normalize(JsonNode? node) => node is null ? null : JsonNode.Parse(node.ToJsonString());

        private static bool IsExpression(string s) => s.Length >= 2 && s[0] == '[' && s[^1] == ']' && !s.StartsWith("[[", StringComparison.Ordinal);

        private JsonNode? EvaluateExpression(string text)
        {
            try
            {
                return Apply(new Parser(text).ParseWhole());
            }
            catch (FormatException)
            {
                return Unresolved(text);
            }
        }

        private JsonNode? Parameter(string name)
        {
            if (_parameters.TryGetValue(name, out var cached))
            {
                return cached?.DeepClone();
            }

            JsonNode? value;
            if (_given.TryGetValue(name, out var given))
            {
                value = given?.DeepClone();
            }
            else if (_template["parameters"]?[name] is JsonObject declaration && declaration.ContainsKey("defaultValue"))
            {
                _parameters[name] = Unresolved($"parameters('{name}') (cycle)");
                value = Evaluate(declaration["defaultValue"]);
            }
            else
            {
                value = Unresolved($"parameters('{name}')");
            }

            _parameters[name] = value;
            return value?.DeepClone();
        }

        private JsonNode? Variable(string name)
        {
            if (_variables.TryGetValue(name, out var cached))
            {
                return cached?.DeepClone();
            }

            _variables[name] = Unresolved($"variables('{name}') (cycle)");
            var value = _template["variables"] is JsonObject variables && variables.ContainsKey(name)
                ? Evaluate(variables[name]) // ARM allows no copyIndex() in variables: the resource's index does not matter
                : Unresolved($"variables('{name}')");
            _variables[name] = value;
            return value?.DeepClone();
        }

        private JsonNode? Apply(Expr expr)
        {
            switch (expr)
            {
                case Literal literal:
                    return literal.Value?.DeepClone();
                case Member member:
                    {
                        var target = Apply(member.Target);
                        return IsUnresolved(target) ? Unresolved($"{Describe(target)}.{member.Name}")
                            : target is JsonObject o && o.FirstOrDefault(kv => string.Equals(kv.Key, member.Name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } kv
                                ? kv.Value?.DeepClone()
                                : Unresolved($"{member}");
                    }

                case Index index:
                    {
                        var target = Apply(index.Target);
                        var at = Apply(index.At);
                        if (IsUnresolved(target) || IsUnresolved(at))
                        {
                            return Unresolved(index.ToString());
                        }

                        return (target, at) switch
                        {
                            (JsonArray a, JsonValue i) when i.TryGetValue<int>(out var n) && n >= 0 && n < a.Count => a[n]?.DeepClone(),
                            (JsonObject o, JsonValue k) when k.TryGetValue<string>(out var key) => o[key]?.DeepClone(),
                            _ => Unresolved(index.ToString()),
                        };
                    }

                case Call call:
                    return Call(call);
                default:
                    return Unresolved(expr.ToString() ?? string.Empty);
            }
        }

        private JsonNode? Call(Call call)
        {
            var name = call.Name.ToLowerInvariant();
            switch (name)
            {
                case "parameters":
                    return Apply(call.Args[0]) is JsonValue p && p.TryGetValue<string>(out var pn) ? Parameter(pn) : Unresolved(call.ToString());
                case "variables":
                    return Apply(call.Args[0]) is JsonValue v && v.TryGetValue<string>(out var vn) ? Variable(vn) : Unresolved(call.ToString());
                case "copyindex":
                    return _copyIndex is int i ? JsonValue.Create(i + (call.Args.Count > 0 && Apply(call.Args[^1]) is JsonValue off && off.TryGetValue<int>(out var offset) ? offset : 0)) : Unresolved(call.ToString());
                case "if":
                    {
                        var condition = Apply(call.Args[0]);
                        return condition is JsonValue c && c.TryGetValue<bool>(out var b) ? Apply(call.Args[b ? 1 : 2]) : Unresolved(call.ToString());
                    }

                case "createobject":
                    {
                        var o = new JsonObject();
                        for (var k = 0; k + 1 < call.Args.Count; k += 2)
                        {
                            if (Apply(call.Args[k]) is not JsonValue key || !key.TryGetValue<string>(out var keyName) || IsUnresolved(key))
                            {
                                return Unresolved(call.ToString());
                            }

                            o[keyName] = Apply(call.Args[k + 1]);
                        }

                        return o;
                    }

                case "createarray":
                    return new JsonArray([.. call.Args.Select(Apply)]);
                case "format":
                    {
                        // Unresolved arguments stay visible in the result, so a name like '<server>/wal_compression' still ends right.
                        var args = call.Args.Select(Apply).ToList();
                        if (args[0] is not JsonValue f || !f.TryGetValue<string>(out var pattern) || IsUnresolved(args[0]))
                        {
                            return Unresolved(call.ToString());
                        }

                        var values = args.Skip(1).Select(a => (object)Describe(a)).ToArray();
                        return JsonValue.Create(string.Format(CultureInfo.InvariantCulture, pattern, values));
                    }

                case "subscriptionresourceid":
                    {
                        var args = call.Args.Select(Apply).ToList();
                        return args.Any(IsUnresolved) || args.Count < 2 ? Unresolved(call.ToString())
                            : JsonValue.Create($"/subscriptions/{{subscriptionId}}/providers/{Describe(args[0])}/{string.Join('/', args.Skip(1).Select(Describe))}");
                    }
            }

            var values2 = call.Args.Select(Apply).ToList();
            if (values2.Any(IsUnresolved))
            {
                return Unresolved(call.ToString());
            }

            return Pure(name, values2) ?? Unresolved(call.ToString());
        }

        private static JsonNode? Pure(string name, List<JsonNode?> a)
        {
            static long N(JsonNode? n) => n is JsonValue v && (v.TryGetValue<long>(out var l) || (v.TryGetValue<int>(out var i) && (l = i) == i))
                ? l
                : throw new FormatException("not a number");
            static bool B(JsonNode? n) => n is JsonValue v && v.TryGetValue<bool>(out var b) ? b : throw new FormatException("not a bool");
            try
            {
                return name switch
                {
                    "true" => JsonValue.Create(true),
                    "false" => JsonValue.Create(false),
                    "null" => null,
                    "not" => JsonValue.Create(!B(a[0])),
                    "and" => JsonValue.Create(a.All(B)),
                    "or" => JsonValue.Create(a.Any(B)),
                    "equals" => JsonValue.Create(JsonNode.DeepEquals(a[0], a[1])),
                    "less" => JsonValue.Create(N(a[0]) < N(a[1])),
                    "lessorequals" => JsonValue.Create(N(a[0]) <= N(a[1])),
                    "greater" => JsonValue.Create(N(a[0]) > N(a[1])),
                    "greaterorequals" => JsonValue.Create(N(a[0]) >= N(a[1])),
                    "add" => JsonValue.Create(N(a[0]) + N(a[1])),
                    "sub" => JsonValue.Create(N(a[0]) - N(a[1])),
                    "mul" => JsonValue.Create(N(a[0]) * N(a[1])),
                    "div" => JsonValue.Create(N(a[0]) / N(a[1])),
                    "mod" => JsonValue.Create(N(a[0]) % N(a[1])),
                    "min" => JsonValue.Create(a.Min(N)),
                    "max" => JsonValue.Create(a.Max(N)),
                    "int" => JsonValue.Create(a[0] is JsonValue s && s.TryGetValue<string>(out var str) ? long.Parse(str, CultureInfo.InvariantCulture) : N(a[0])),
                    "string" => JsonValue.Create(Describe(a[0])),
                    "tolower" => JsonValue.Create(Describe(a[0]).ToLowerInvariant()),
                    "toupper" => JsonValue.Create(Describe(a[0]).ToUpperInvariant()),
                    "json" => JsonNode.Parse(Describe(a[0])),
                    "empty" => JsonValue.Create(a[0] switch
                    {
                        null => true,
                        JsonObject o => o.Count == 0,
                        JsonArray arr => arr.Count == 0,
                        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
                        _ => false,
                    }),
                    "length" => JsonValue.Create(a[0] switch
                    {
                        JsonObject o => o.Count,
                        JsonArray arr => arr.Count,
                        _ => Describe(a[0]).Length,
                    }),
                    "union" => Union(a),
                    "concat" => a.All(x => x is JsonArray)
                        ? new JsonArray([.. a.SelectMany(x => ((JsonArray)x!).Select(e => e?.DeepClone()))])
                        : JsonValue.Create(string.Concat(a.Select(Describe))),
                    _ => null,
                };
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or DivideByZeroException or ArgumentOutOfRangeException)
            {
                return null;
            }
        }

        private static JsonNode? Union(List<JsonNode?> a)
        {
            if (a.All(x => x is JsonObject))
            {
                var merged = new JsonObject();
                foreach (var (k, v) in a.Cast<JsonObject>().SelectMany(o => o))
                {
                    merged[k] = v?.DeepClone();
                }

                return merged;
            }

            return null;
        }
    }

    private abstract record Expr;

    private sealed record Literal(JsonNode? Value) : Expr
    {
        public override string ToString() => Value is JsonValue v && v.TryGetValue<string>(out var s) ? $"'{s}'" : Describe(Value);
    }

    private sealed record Call(string Name, IReadOnlyList<Expr> Args) : Expr
    {
        public override string ToString() => $"{Name}({string.Join(", ", Args)})";
    }

    private sealed record Member(Expr Target, string Name) : Expr
    {
        public override string ToString() => $"{Target}.{Name}";
    }

    private sealed record Index(Expr Target, Expr At) : Expr
    {
        public override string ToString() => $"{Target}[{At}]";
    }

    /// <summary>The ARM expression grammar: literals, function calls, member access and indexing.</summary>
    private sealed class Parser(string text)
    {
        private int _at;

        public Expr ParseWhole()
        {
            var e = Parse();
            SkipSpace();
            return _at == text.Length ? e : throw new FormatException($"unexpected '{text[_at..]}'");
        }

        private Expr Parse()
        {
            SkipSpace();
            Expr e;
            if (Peek() == '\'')
            {
                e = new Literal(JsonValue.Create(ReadString()));
            }
            else if (Peek() is char d && (char.IsDigit(d) || d == '-'))
            {
                var start = _at++;
                while (_at < text.Length && char.IsDigit(text[_at]))
                {
                    _at++;
                }

                e = new Literal(JsonValue.Create(long.Parse(text[start.._at], CultureInfo.InvariantCulture)));
            }
            else
            {
                var name = ReadIdentifier();
                Expect('(');
                var args = new List<Expr>();
                SkipSpace();
                if (Peek() != ')')
                {
                    do
                    {
                        args.Add(Parse());
                        SkipSpace();
                    }
                    while (TryTake(','));
                }

                Expect(')');
                e = new Call(name, args);
            }

            while (true)
            {
                SkipSpace();
                if (TryTake('.'))
                {
                    e = new Member(e, ReadIdentifier());
                }
                else if (TryTake('['))
                {
                    var at = Parse();
                    Expect(']');
                    e = new Index(e, at);
                }
                else
                {
                    return e;
                }
            }
        }

        private char? Peek() => _at < text.Length ? text[_at] : null;

        private bool TryTake(char c)
        {
            SkipSpace();
            if (Peek() == c)
            {
                _at++;
                return true;
            }

            return false;
        }

        private void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw new FormatException($"expected '{c}' at {_at} in {text}");
            }
        }

        private void SkipSpace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        private string ReadIdentifier()
        {
            SkipSpace();
            var start = _at;
            while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] is '_' or '$'))
            {
                _at++;
            }

            return _at > start ? text[start.._at] : throw new FormatException($"expected a name at {_at} in {text}");
        }

        private string ReadString()
        {
            var sb = new StringBuilder();
            _at++; // opening quote
            while (_at < text.Length)
            {
                if (text[_at] == '\'')
                {
                    if (_at + 1 < text.Length && text[_at + 1] == '\'')
                    {
                        sb.Append('\'');
                        _at += 2;
                        continue;
                    }

                    _at++;
                    return sb.ToString();
                }

                sb.Append(text[_at++]);
            }

            throw new FormatException($"unterminated string in {text}");
        }
    }
}
