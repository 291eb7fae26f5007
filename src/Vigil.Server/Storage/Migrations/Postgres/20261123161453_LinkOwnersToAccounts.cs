using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LinkOwnersToAccounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Owners become account ids: each e-mail address is mapped to the account that has it
            // before the old column goes, so rows of an existing account keep their owner; rows
            // whose e-mail has no account get the empty id (no owner) and stay invisible to every user.
            migrationBuilder.DropIndex(
                name: "IX_SnapshotCameras_OwnerEmail_Name",
                table: "SnapshotCameras");

            migrationBuilder.AddColumn<Guid>(
                name: "OwnerId",
                table: "SnapshotCameras",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.Sql(
                """
                UPDATE "SnapshotCameras" SET "OwnerId" = u."Id" FROM "Users" u WHERE u."NormalizedEmail" = UPPER("SnapshotCameras"."OwnerEmail");
                """);

            migrationBuilder.DropColumn(
                name: "OwnerEmail",
                table: "SnapshotCameras");

            migrationBuilder.DropIndex(
                name: "IX_NotificationRules_OwnerEmail",
                table: "NotificationRules");

            migrationBuilder.AddColumn<Guid>(
                name: "OwnerId",
                table: "NotificationRules",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.Sql(
                """
                UPDATE "NotificationRules" SET "OwnerId" = u."Id" FROM "Users" u WHERE u."NormalizedEmail" = UPPER("NotificationRules"."OwnerEmail");
                """);

            migrationBuilder.DropColumn(
                name: "OwnerEmail",
                table: "NotificationRules");

            migrationBuilder.DropIndex(
                name: "IX_NotificationDeliveries_OwnerEmail_CameraId_Label_CreatedAt",
                table: "NotificationDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_NotificationDeliveries_OwnerEmail_CreatedAt",
                table: "NotificationDeliveries");

            migrationBuilder.AddColumn<Guid>(
                name: "OwnerId",
                table: "NotificationDeliveries",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.Sql(
                """
                UPDATE "NotificationDeliveries" SET "OwnerId" = u."Id" FROM "Users" u WHERE u."NormalizedEmail" = UPPER("NotificationDeliveries"."OwnerEmail");
                """);

            migrationBuilder.DropColumn(
                name: "OwnerEmail",
                table: "NotificationDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_Events_OwnerEmail_Id",
                table: "Events");

            migrationBuilder.AddColumn<Guid>(
                name: "OwnerId",
                table: "Events",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.Sql(
                """
                UPDATE "Events" SET "OwnerId" = u."Id" FROM "Users" u WHERE u."NormalizedEmail" = UPPER("Events"."OwnerEmail");
                """);

            migrationBuilder.DropColumn(
                name: "OwnerEmail",
                table: "Events");

            migrationBuilder.DropIndex(
                name: "IX_AccessKeys_PrincipalName",
                table: "AccessKeys");

            migrationBuilder.AddColumn<Guid>(
                name: "UserId",
                table: "AccessKeys",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.Sql(
                """
                UPDATE "AccessKeys" SET "UserId" = u."Id" FROM "Users" u WHERE u."NormalizedEmail" = UPPER("AccessKeys"."PrincipalName");
                """);

            migrationBuilder.DropColumn(
                name: "PrincipalName",
                table: "AccessKeys");

            migrationBuilder.AddColumn<bool>(
                name: "EmailOwner",
                table: "NotificationRules",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotCameras_OwnerId_Name",
                table: "SnapshotCameras",
                columns: new[] { "OwnerId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationRules_OwnerId",
                table: "NotificationRules",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_OwnerId_CameraId_Label_CreatedAt",
                table: "NotificationDeliveries",
                columns: new[] { "OwnerId", "CameraId", "Label", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_OwnerId_CreatedAt",
                table: "NotificationDeliveries",
                columns: new[] { "OwnerId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Events_OwnerId_Id",
                table: "Events",
                columns: new[] { "OwnerId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessKeys_UserId",
                table: "AccessKeys",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SnapshotCameras_OwnerId_Name",
                table: "SnapshotCameras");

            migrationBuilder.DropIndex(
                name: "IX_NotificationRules_OwnerId",
                table: "NotificationRules");

            migrationBuilder.DropIndex(
                name: "IX_NotificationDeliveries_OwnerId_CameraId_Label_CreatedAt",
                table: "NotificationDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_NotificationDeliveries_OwnerId_CreatedAt",
                table: "NotificationDeliveries");

            migrationBuilder.DropIndex(
                name: "IX_Events_OwnerId_Id",
                table: "Events");

            migrationBuilder.DropIndex(
                name: "IX_AccessKeys_UserId",
                table: "AccessKeys");

            migrationBuilder.DropColumn(
                name: "OwnerId",
                table: "SnapshotCameras");

            migrationBuilder.DropColumn(
                name: "EmailOwner",
                table: "NotificationRules");

            migrationBuilder.DropColumn(
                name: "OwnerId",
                table: "NotificationRules");

            migrationBuilder.DropColumn(
                name: "OwnerId",
                table: "NotificationDeliveries");

            migrationBuilder.DropColumn(
                name: "OwnerId",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "UserId",
                table: "AccessKeys");

            migrationBuilder.AddColumn<string>(
                name: "OwnerEmail",
                table: "SnapshotCameras",
                type: "character varying(254)",
                maxLength: 254,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "OwnerEmail",
                table: "NotificationRules",
                type: "character varying(254)",
                maxLength: 254,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "OwnerEmail",
                table: "NotificationDeliveries",
                type: "character varying(254)",
                maxLength: 254,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "OwnerEmail",
                table: "Events",
                type: "character varying(254)",
                maxLength: 254,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "PrincipalName",
                table: "AccessKeys",
                type: "character varying(320)",
                maxLength: 320,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_SnapshotCameras_OwnerEmail_Name",
                table: "SnapshotCameras",
                columns: new[] { "OwnerEmail", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_NotificationRules_OwnerEmail",
                table: "NotificationRules",
                column: "OwnerEmail");

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_OwnerEmail_CameraId_Label_CreatedAt",
                table: "NotificationDeliveries",
                columns: new[] { "OwnerEmail", "CameraId", "Label", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_NotificationDeliveries_OwnerEmail_CreatedAt",
                table: "NotificationDeliveries",
                columns: new[] { "OwnerEmail", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Events_OwnerEmail_Id",
                table: "Events",
                columns: new[] { "OwnerEmail", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AccessKeys_PrincipalName",
                table: "AccessKeys",
                column: "PrincipalName");
        }
    }
}
