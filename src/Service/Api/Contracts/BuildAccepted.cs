namespace Engine.Service.Api.Contracts;

/// <summary>The 202 answer to a submission: the new build's id and where to follow it.</summary>
internal sealed record BuildAccepted(string Id, BuildState State, string Href);
