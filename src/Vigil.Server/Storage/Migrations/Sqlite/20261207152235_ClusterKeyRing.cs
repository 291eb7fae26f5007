using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ClusterKeyRing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "KeyRing",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: false),
                    Sealed = table.Column<string>(type: "TEXT", unicode: false, nullable: false),
                    StoredAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KeyRing", x => x.Name);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "KeyRing");
        }
    }
}
