using System.Text.Json.Nodes;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>One statement's plan as auto_explain logged it (JSON format): its text, its plan tree, and the whole entry.</summary>
public sealed record LoggedPlan(string QueryText, JsonNode Plan, string Json);
