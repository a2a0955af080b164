enum ClusterPlaceholder {}
