// Placeholder until the Redis client lands.
enum RedisPlaceholder {}
