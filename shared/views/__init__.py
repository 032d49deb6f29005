"""Read contracts: the typed view models each service's queries return and the gateway
declares as its responses. Like wire contracts they are additive: a field is added with a
default, never renamed or removed in place."""
