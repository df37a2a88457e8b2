namespace Engine.Service.Api.Contracts;

/// <summary>GET /api/v1/status: answers without a token, for load balancers and for checking a URL.</summary>
internal sealed record ServiceInfo(string Service, string Version, string Storage);
