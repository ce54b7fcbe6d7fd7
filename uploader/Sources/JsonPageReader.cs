using System.Buffers;
using System.Text.Json;

namespace PecLists.Uploader.Sources;

/// <summary>
/// Reads one page of an API's JSON as it arrives, with flat memory: a refill loop feeds <see cref="Utf8JsonReader"/>
/// (its state carried from one buffer to the next), the rows array at <c>recordSelector</c> is found by following the
/// path of every value, each row is handed over as soon as its bytes are all in the buffer, and everything else is
/// skipped token by token without being kept. The next-page link may come before or after the rows array (Disney's
/// <c>info.nextPage</c> comes first, other APIs put it last): it is picked up wherever it is. Only one row, not the
/// page, is ever held: the buffer grows to the largest row and no further.
/// </summary>
public sealed class JsonPageReader
{
    /// <summary>A single row (or a single value outside the rows) larger than this is refused, not buffered.</summary>
    public const int MaxTokenBytes = 16 * 1024 * 1024;

    private const int InitialBuffer = 64 * 1024;

    private readonly string[] _selector;
    private readonly string[]? _nextLink;

    public JsonPageReader(IReadOnlyList<string> recordSelector, IReadOnlyList<string>? nextLinkPath)
    {
        _selector = [.. recordSelector];
        _nextLink = nextLinkPath is null ? null : [.. nextLinkPath];
    }

    /// <summary>
    /// Reads the page from <paramref name="body"/>, calling <paramref name="onRow"/> with each row's JSON bytes (valid
    /// only during the call) and its index in the page.
    /// </summary>
    public async Task<JsonPage> ReadAsync(Stream body, Action<ReadOnlyMemory<byte>, long> onRow, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        var walk = new Walk(_selector, _nextLink, onRow);
        try
        {
            var filled = 0;
            var final = false;
            var state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            while (true)
            {
                if (!final)
                {
                    var read = await body.ReadAsync(buffer.AsMemory(filled), ct);
                    final = read == 0;
                    filled += read;
                }

                var consumed = walk.Advance(buffer, filled, final, ref state);
                if (final)
                {
                    break;
                }

                Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                filled -= consumed;
                if (filled == buffer.Length)
                {
                    buffer = Grow(buffer, filled);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return walk.Result();
    }

    private static byte[] Grow(byte[] buffer, int filled)
    {
        if (buffer.Length >= MaxTokenBytes)
        {
            throw new JsonPageShapeException(JsonPageShape.TooLarge, [], JsonValueKind.Undefined, 0);
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxTokenBytes));
        Buffer.BlockCopy(buffer, 0, larger, 0, filled);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    /// <summary>Where the walk is in the document: the containers it follows, and what it found so far.</summary>
    private sealed class Walk(string[] selector, string[]? nextLink, Action<ReadOnlyMemory<byte>, long> onRow)
    {
        private readonly List<Frame> _frames = [];
        private int _skipDepth;
        private int _rowsDepth = -1;
        private bool _rowsFound;
        private long _rows;
        private string? _next;
        private bool _nextFound;

        public JsonPage Result()
        {
            if (!_rowsFound)
            {
                throw new JsonPageShapeException(JsonPageShape.RowsMissing, selector, JsonValueKind.Undefined, _rows);
            }

            return new JsonPage(_rows, _next, _nextFound);
        }

        /// <summary>Reads every whole token in buffer[..filled]; returns how many bytes it consumed.</summary>
        public int Advance(byte[] buffer, int filled, bool final, ref JsonReaderState state)
        {
            var reader = new Utf8JsonReader(buffer.AsSpan(0, filled), final, state);
            while (true)
            {
                var before = reader.CurrentState;
                var consumedBefore = (int)reader.BytesConsumed;
                if (!reader.Read())
                {
                    break;
                }

                if (_skipDepth > 0)
                {
                    Skip(reader.TokenType);
                    continue;
                }

                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        _frames[^1].Property = reader.GetString();
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        if (_frames.Count == _rowsDepth)
                        {
                            _rowsDepth = -1; // the rows array ended: a sibling at its depth is not rows
                        }

                        _frames.RemoveAt(_frames.Count - 1);
                        continue;
                }

                if (_frames.Count == _rowsDepth)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        throw new JsonPageShapeException(JsonPageShape.RowNotObject, selector, KindOf(reader.TokenType), _rows);
                    }

                    var start = (int)reader.TokenStartIndex;
                    if (!reader.TrySkip())
                    {
                        // The row is not all in the buffer yet: read it again, whole, after the refill.
                        state = before;
                        return consumedBefore;
                    }

                    onRow(buffer.AsMemory(start, (int)reader.BytesConsumed - start), _rows);
                    _rows++;
                    continue;
                }

                Value(ref reader);
            }

            state = reader.CurrentState;
            return (int)reader.BytesConsumed;
        }

        /// <summary>A value outside the rows: the rows array, the next link, a container on the way to one, or skipped.</summary>
        private void Value(ref Utf8JsonReader reader)
        {
            var path = PathOfValue();
            var token = reader.TokenType;
            if (path.SequenceEqual(selector))
            {
                if (token != JsonTokenType.StartArray)
                {
                    throw new JsonPageShapeException(JsonPageShape.RowsNotArray, selector, KindOf(token), 0);
                }

                _rowsFound = true;
                _frames.Add(new Frame(path, isArray: true));
                _rowsDepth = _frames.Count;
                return;
            }

            if (nextLink is not null && path.SequenceEqual(nextLink))
            {
                _nextFound = true;
                _next = token switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    _ => throw new JsonPageShapeException(JsonPageShape.NextLinkNotText, nextLink, KindOf(token), _rows),
                };
                return;
            }

            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                if (IsPrefix(path, selector) || (nextLink is not null && IsPrefix(path, nextLink)))
                {
                    _frames.Add(new Frame(path, token == JsonTokenType.StartArray));
                }
                else
                {
                    _skipDepth = 1;
                }
            }
        }

        private void Skip(JsonTokenType token)
        {
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                _skipDepth++;
            }
            else if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                _skipDepth--;
            }
        }

        /// <summary>The path of the value about to start: its container's path and its member name or index.</summary>
        private string[] PathOfValue()
        {
            if (_frames.Count == 0)
            {
                return [];
            }

            var parent = _frames[^1];
            var segment = parent.IsArray ? (parent.NextIndex++).ToString(System.Globalization.CultureInfo.InvariantCulture) : parent.Property ?? string.Empty;
            return [.. parent.Path, segment];
        }

        private static bool IsPrefix(string[] path, string[] of) =>
            path.Length < of.Length && of.AsSpan(0, path.Length).SequenceEqual(path);

        private static JsonValueKind KindOf(JsonTokenType token) => token switch
        {
            JsonTokenType.StartObject => JsonValueKind.Object,
            JsonTokenType.StartArray => JsonValueKind.Array,
            JsonTokenType.String => JsonValueKind.String,
            JsonTokenType.Number => JsonValueKind.Number,
            JsonTokenType.True => JsonValueKind.True,
            JsonTokenType.False => JsonValueKind.False,
            JsonTokenType.Null => JsonValueKind.Null,
            _ => JsonValueKind.Undefined,
        };
    }

    private sealed class Frame(string[] path, bool isArray)
    {
        public string[] Path { get; } = path;

        public bool IsArray { get; } = isArray;

        public string? Property { get; set; }

        public int NextIndex { get; set; }
    }
}
