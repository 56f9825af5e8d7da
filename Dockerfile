# The operator image: the fat jar on a JRE 17, as a non-root numeric user.
#   mvn -B -DskipTests package          # builds operator-app/target/operator.jar
#   docker build -t <registry>/pg-operator:<tag> .
# Runs with a read-only root filesystem; /tmp is an emptyDir in deploy/operator/deployment.yaml.
FROM eclipse-temurin:17-jre

LABEL org.opencontainers.image.title="pg-operator" \
      org.opencontainers.image.description="Highly available Kubernetes operator for PostgreSQL"

WORKDIR /app
COPY operator-app/target/operator.jar /app/operator.jar

# Numeric, so Kubernetes can verify runAsNonRoot without an /etc/passwd entry; matches the
# Deployment's runAsUser/runAsGroup.
USER 65532:65532

# 8080: /metrics (Prometheus); 8081: /healthz, /readyz.
EXPOSE 8080 8081

# JVM flags, explained in deploy/README.md: heap from the container's memory limit, a small
# single-threaded GC, die (and be restarted) on OutOfMemoryError, and a small native footprint.
ENTRYPOINT ["java", \
            "-XX:MaxRAMPercentage=75", \
            "-XX:+UseSerialGC", \
            "-XX:+ExitOnOutOfMemoryError", \
            "-Xss512k", \
            "-XX:MaxMetaspaceSize=96m", \
            "-XX:TieredStopAtLevel=1", \
            "-XX:ReservedCodeCacheSize=32m", \
            "-jar", "/app/operator.jar"]
