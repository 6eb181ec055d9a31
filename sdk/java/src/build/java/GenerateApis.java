// The Java SDK's typed-client generator, run by Maven in generate-sources (Java's source launcher, with the
// project's classpath):
//
//   java -cp <protobuf-java> GenerateApis.java DESCRIPTOR_SET OUT_DIR VERSION
//
// It walks the descriptor set protoc wrote for proto/ and writes package com.pagemesh.client:
// - V1.java, V2.java, ...: every pagemesh service in that API version, one method per service returning its
//   grpc-java blocking stub (one method per RPC, `response rpc(request)`), each with the proto doc comment;
// - PagemeshApis.java: the base of PagemeshClient, holding one of each, and every service descriptor
//   (PagemeshClient reads the retry policy from their idempotency_level).
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

public final class GenerateApis {
  private static final String HEADER =
      "// Generated file. DO NOT EDIT: generated from proto/ when pagemesh-client is built.\n";
  private static final String PACKAGE = "com.pagemesh.client";
  private static final int SERVICE = 6; // FileDescriptorProto.service, in source-info paths

  /** One service of the contracts (a plain class, so a Java 11 build can run this file too). */
  private static final class Service {
    private final String area;
    private final String javaPackage;
    private final String name;
    private final String doc;

    Service(String area, String javaPackage, String name, String doc) {
      this.area = area;
      this.javaPackage = javaPackage;
      this.name = name;
      this.doc = doc;
    }

    String area() {
      return area;
    }

    String name() {
      return name;
    }

    String doc() {
      return doc;
    }

    String grpcClass() {
      return javaPackage + "." + name + "Grpc";
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: GenerateApis.java DESCRIPTOR_SET OUT_DIR VERSION");
      System.exit(2);
    }
    FileDescriptorSet set = FileDescriptorSet.parseFrom(Files.readAllBytes(Path.of(args[0])));
    Map<String, List<Service>> byVersion = new TreeMap<>();
    for (FileDescriptorProto file : set.getFileList()) {
      if (!file.getPackage().startsWith("pagemesh.")) {
        continue;
      }
      String[] parts = file.getPackage().split("\\.");
      for (int i = 0; i < file.getServiceCount(); i++) {
        ServiceDescriptorProto service = file.getService(i);
        service.getMethodList().forEach(m -> {
          if (m.getClientStreaming() || m.getServerStreaming()) {
            throw new IllegalStateException(service.getName() + "." + m.getName() + ": streaming is not supported yet");
          }
        });
        byVersion
            .computeIfAbsent(parts[2], v -> new ArrayList<>())
            .add(new Service(parts[1], file.getOptions().getJavaPackage(), service.getName(), comment(file, i)));
      }
    }
    Path out = Path.of(args[1], PACKAGE.split("\\."));
    Files.createDirectories(out);
    for (Map.Entry<String, List<Service>> entry : byVersion.entrySet()) {
      List<Service> services = entry.getValue();
      services.sort((a, b) -> a.area().compareTo(b.area()));
      Files.writeString(out.resolve(className(entry.getKey()) + ".java"), version(entry.getKey(), services));
    }
    Files.writeString(out.resolve("PagemeshApis.java"), apis(byVersion, args[2]));
  }

  private static String comment(FileDescriptorProto file, int service) {
    for (Location location : file.getSourceCodeInfo().getLocationList()) {
      if (location.getPathCount() == 2 && location.getPath(0) == SERVICE && location.getPath(1) == service) {
        return location.getLeadingComments().strip();
      }
    }
    return "";
  }

  private static String className(String version) {
    return version.toUpperCase();
  }

  private static String javadoc(String text, String indent) {
    StringBuilder doc = new StringBuilder(indent + "/**\n");
    for (String line : text.split("\n")) {
      String stripped = line.startsWith(" ") ? line.substring(1) : line;
      doc.append(indent).append(" *").append(stripped.isEmpty() ? "" : " " + stripped.replace("*/", "*&#47;")).append('\n');
    }
    return doc.append(indent).append(" */\n").toString();
  }

  private static String version(String version, List<Service> services) {
    String name = className(version);
    StringBuilder java = new StringBuilder(HEADER);
    java.append("package ").append(PACKAGE).append(";\n\n");
    java.append("import io.grpc.Channel;\n\n");
    java.append(javadoc("Every pagemesh service in API version " + version + ": one method per service, returning its\n"
        + "blocking stub (one method per RPC; a failed call throws {@link io.grpc.StatusRuntimeException}).", ""));
    java.append("public final class ").append(name).append(" {\n");
    java.append("  private final Channel channel;\n\n");
    java.append("  ").append(name).append("(Channel channel) {\n    this.channel = channel;\n  }\n");
    for (Service service : services) {
      java.append('\n');
      java.append(javadoc(service.doc() + "\n\n<p>{@code " + "pagemesh." + service.area() + "." + version + "."
          + service.name() + "}.", "  "));
      java.append("  public ").append(service.grpcClass()).append('.').append(service.name()).append("BlockingStub ")
          .append(service.area()).append("() {\n");
      java.append("    return ").append(service.grpcClass()).append(".newBlockingStub(channel);\n  }\n");
    }
    return java.append("}\n").toString();
  }

  private static String apis(Map<String, List<Service>> byVersion, String release) {
    StringBuilder java = new StringBuilder(HEADER);
    java.append("package ").append(PACKAGE).append(";\n\n");
    java.append("import io.grpc.Channel;\nimport io.grpc.ServiceDescriptor;\nimport java.util.List;\n\n");
    java.append(javadoc("Every API version of pagemesh, as {@link PagemeshClient} exposes them.", ""));
    java.append("public abstract class PagemeshApis {\n");
    java.append("  /** The pagemesh release these clients were generated from. */\n");
    java.append("  public static final String VERSION = \"").append(release).append("\";\n\n");
    java.append("  /** Every service of the contracts: the retry policy reads their methods' idempotency_level. */\n");
    java.append("  static final List<ServiceDescriptor> SERVICES = List.of(\n");
    List<String> descriptors = new ArrayList<>();
    byVersion.values().forEach(services -> services.forEach(s -> descriptors.add("      " + s.grpcClass() + ".getServiceDescriptor()")));
    java.append(String.join(",\n", descriptors)).append(");\n\n");
    for (String version : byVersion.keySet()) {
      java.append("  private final ").append(className(version)).append(' ').append(version).append(";\n");
    }
    java.append("\n  PagemeshApis(Channel channel) {\n");
    for (String version : byVersion.keySet()) {
      java.append("    this.").append(version).append(" = new ").append(className(version)).append("(channel);\n");
    }
    java.append("  }\n");
    for (String version : byVersion.keySet()) {
      java.append("\n  /** Every service in API version ").append(version).append(". */\n");
      java.append("  public ").append(className(version)).append(' ').append(version).append("() {\n");
      java.append("    return ").append(version).append(";\n  }\n");
    }
    return java.append("}\n").toString();
  }
}
