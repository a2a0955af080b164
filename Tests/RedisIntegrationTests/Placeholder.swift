struct RedisSmoke {}
