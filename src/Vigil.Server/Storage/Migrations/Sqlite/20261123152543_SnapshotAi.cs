using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SnapshotAi : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<Guid>(type: "TEXT", nullable: false),
                    CameraId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CameraName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OwnerEmail = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    DetectionAvailable = table.Column<bool>(type: "INTEGER", nullable: false),
                    DetectionProblem = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Labels = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    StoredBytes = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "NotificationDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EventKey = table.Column<Guid>(type: "TEXT", nullable: false),
                    RuleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerEmail = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    CameraId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Action = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: false),
                    Target = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    Status = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Payload = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationDeliveries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "NotificationRules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OwnerEmail = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CameraIds = table.Column<string>(type: "TEXT", unicode: false, maxLength: 2048, nullable: false),
                    Labels = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    MinConfidence = table.Column<double>(type: "REAL", nullable: false),
                    QuietHours = table.Column<string>(type: "TEXT", unicode: false, maxLength: 11, nullable: true),
                    EmailTo = table.Column<string>(type: "TEXT", maxLength: 254, nullable: true),
                    WebhookUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    WebhookSecret = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NotificationRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SnapshotCameras",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OwnerEmail = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    SmtpUsername = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    SmtpPasswordHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    IngestTokenHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    UploadTokenHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnapshotCameras", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "EventDetections",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EventId = table.Column<long>(type: "INTEGER", nullable: false),
                    PictureIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    Label = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Confidence = table.Column<float>(type: "REAL", nullable: false),
                    X = table.Column<float>(type: "REAL", nullable: false),
                    Y = table.Column<float>(type: "REAL", nullable: false),
                    Width = table.Column<float>(type: "REAL", nullable: false),
                    Height = table.Column<float>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EventDetections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EventDetections_Events_EventId",
                        column: x => x.EventId,
                        principalTable: "Events",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EventPictures",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EventId = table.Column<long>(type: "INTEGER", nullable: false),
                    Index = table.Column<int>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ContentType = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    Path = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ThumbnailPath = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    AnnotatedPath = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Width = table.Column<int>(type: "INTEGER", nullable: false),
                    Height = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EventPictures", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EventPictures_Events_EventId",
                        column: x => x.EventId,
                        principalTable: "Events",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EventDetections_EventId",
                table: "EventDetections",
                column: "EventId");

            migrationBuilder.CreateIndex(
                name: "IX_EventDetections_Label_EventId",
                table: "EventDetections",
                columns: new[] { "Label", "EventId" });

            migrationBuilder.CreateIndex(
                name: "IX_EventPictures_EventId_Index",
                table: "EventPictures",
                columns: new[] { "EventId", "Index" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Events_CameraId_Id",
                table: "Events",
                columns: new[] { "CameraId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Events_Key",
                table: "Events",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Events_OccurredAt",
                table: "Events",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_Events_OwnerEmail_Id",
                table: "Events",
                columns: new[] { "OwnerEmail", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_EventKey_RuleId_Action",
                table: "NotificationDeliveries",
                columns: new[] { "EventKey", "RuleId", "Action" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_OwnerEmail_CameraId_Label_CreatedAt",
                table: "NotificationDeliveries",
                columns: new[] { "OwnerEmail", "CameraId", "Label", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_OwnerEmail_CreatedAt",
                table: "NotificationDeliveries",
                columns: new[] { "OwnerEmail", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_Status_NextAttemptAt",
                table: "NotificationDeliveries",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationRules_OwnerEmail",
                table: "NotificationRules",
                column: "OwnerEmail");

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotCameras_IngestTokenHash",
                table: "SnapshotCameras",
                column: "IngestTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotCameras_OwnerEmail_Name",
                table: "SnapshotCameras",
                columns: new[] { "OwnerEmail", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotCameras_SmtpUsername",
                table: "SnapshotCameras",
                column: "SmtpUsername",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotCameras_UploadTokenHash",
                table: "SnapshotCameras",
                column: "UploadTokenHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EventDetections");

            migrationBuilder.DropTable(
                name: "EventPictures");

            migrationBuilder.DropTable(
                name: "NotificationDeliveries");

            migrationBuilder.DropTable(
                name: "NotificationRules");

            migrationBuilder.DropTable(
                name: "SnapshotCameras");

            migrationBuilder.DropTable(
                name: "Events");
        }
    }
}
