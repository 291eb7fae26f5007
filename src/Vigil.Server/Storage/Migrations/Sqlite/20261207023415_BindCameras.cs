using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BindCameras : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "PresenceChangedAt",
                table: "Things",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Serial",
                table: "Things",
                type: "TEXT",
                unicode: false,
                maxLength: 128,
                nullable: false,
                defaultValue: "");

            // Existing things provisioned with the default template, whose thing name is the serial.
            migrationBuilder.Sql("UPDATE \"Things\" SET \"Serial\" = \"Name\";");

            migrationBuilder.CreateTable(
                name: "CameraBindingFailures",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Serial = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: false),
                    Address = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CameraBindingFailures", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Cameras",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Serial = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: true),
                    SmtpUsername = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: true),
                    SmtpPasswordHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    IngestTokenHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    UploadTokenHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Cameras", x => x.Id);
                });

            // Snapshot cameras become cameras without a serial; their ids, owners and secrets stay.
            migrationBuilder.Sql(
                """
                INSERT INTO "Cameras" ("Id", "Name", "OwnerId", "Serial", "SmtpUsername", "SmtpPasswordHash", "IngestTokenHash", "UploadTokenHash", "CreatedAt")
                SELECT "Id", "Name", "OwnerId", NULL, "SmtpUsername", "SmtpPasswordHash", "IngestTokenHash", "UploadTokenHash", "CreatedAt" FROM "SnapshotCameras";
                """);

            migrationBuilder.DropTable(
                name: "SnapshotCameras");

            migrationBuilder.CreateIndex(
                name: "IX_Things_PresenceChangedAt",
                table: "Things",
                column: "PresenceChangedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Things_Serial",
                table: "Things",
                column: "Serial",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CameraBindingFailures_AccountId_At",
                table: "CameraBindingFailures",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CameraBindingFailures_At",
                table: "CameraBindingFailures",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_CameraBindingFailures_Serial_At",
                table: "CameraBindingFailures",
                columns: new[] { "Serial", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Cameras_IngestTokenHash",
                table: "Cameras",
                column: "IngestTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Cameras_OwnerId_Name",
                table: "Cameras",
                columns: new[] { "OwnerId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Cameras_Serial",
                table: "Cameras",
                column: "Serial",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Cameras_SmtpUsername",
                table: "Cameras",
                column: "SmtpUsername",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Cameras_UploadTokenHash",
                table: "Cameras",
                column: "UploadTokenHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CameraBindingFailures");

            migrationBuilder.DropTable(
                name: "Cameras");

            migrationBuilder.DropIndex(
                name: "IX_Things_PresenceChangedAt",
                table: "Things");

            migrationBuilder.DropIndex(
                name: "IX_Things_Serial",
                table: "Things");

            migrationBuilder.DropColumn(
                name: "PresenceChangedAt",
                table: "Things");

            migrationBuilder.DropColumn(
                name: "Serial",
                table: "Things");

            migrationBuilder.CreateTable(
                name: "SnapshotCameras",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    IngestTokenHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OwnerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SmtpPasswordHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    SmtpUsername = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    UploadTokenHash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SnapshotCameras", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotCameras_IngestTokenHash",
                table: "SnapshotCameras",
                column: "IngestTokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotCameras_OwnerId_Name",
                table: "SnapshotCameras",
                columns: new[] { "OwnerId", "Name" },
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
    }
}
