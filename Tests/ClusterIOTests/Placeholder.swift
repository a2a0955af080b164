import Testing

// Integration tests of StorageClient against the storage service arrive in the next commit.
